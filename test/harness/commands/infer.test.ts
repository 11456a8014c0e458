// `vharness infer` through the real CLI binary on a tiny generated model: speed report as JSON,
// accuracy on a generated PNG dataset, agreement, and clean errors.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import ort from '../../../agent/onnxruntime.js';
import { PNG } from 'pngjs';
import { IMAGENET_MEAN, IMAGENET_STD } from '../../../model/preprocess-image.js';
import type { InferReport } from '../../../harness/infer/infer-text.js';
import { TINY_CLASSES, TINY_SHAPE, writeTinyModel } from '../../agent/tiny-onnx-fixture.js';
import { runCli, type CliRun } from '../../cli-process.js';


const vharness = (args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> => runCli(args, { env });

function writeSolidPng(path: string, rgb: readonly [number, number, number], width: number, height: number): void {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) png.data.set([rgb[0], rgb[1], rgb[2], 255], p * 4);
  writeFileSync(path, PNG.sync.write(png));
}

function writeSolidJpeg(path: string, rgb: readonly [number, number, number], width: number, height: number): void {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([rgb[0], rgb[1], rgb[2], 255], p * 4);
  writeFileSync(path, jpeg.encode({ width, height, data }, 95).data);
}

/** The tiny model's top class for a solid-colour image, computed here straight from the normalization. */
async function expectedClass(session: ort.InferenceSession, rgb: readonly [number, number, number]): Promise<number> {
  const [c, h, w] = TINY_SHAPE;
  const data = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) data.fill(((rgb[ch] as number) / 255 - (IMAGENET_MEAN[ch] as number)) / (IMAGENET_STD[ch] as number), ch * h * w, (ch + 1) * h * w);
  const out = await session.run({ input: new ort.Tensor('float32', data, [1, c, h, w]) });
  const logits = out.logits?.data as Float32Array;
  let best = 0;
  for (let k = 1; k < TINY_CLASSES; k++) if ((logits[k] as number) > (logits[best] as number)) best = k;
  return best;
}

describe('vharness infer', () => {
  let dir: string;
  let model: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vharness-infer-'));
    model = join(dir, 'tiny.onnx');
    writeTinyModel(model);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports latency, throughput, threads and CPU facts as JSON', async () => {
    const run = await vharness(['infer', '--model', model, '--batch', '3', '--threads', '1', '--warmup', '2', '--steps', '30', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as InferReport;
    assert.equal(report.model.path, model);
    assert.deepEqual(report.threads, { intra_op: 1, inter_op: 1 });
    const speed = report.speed;
    assert.ok(speed);
    assert.equal(speed.batch, 3);
    assert.equal(speed.steps, 30);
    assert.equal(speed.warmup, 2);
    assert.equal(speed.images, 90);
    assert.ok(speed.throughput_ips > 0);
    assert.ok(Math.abs(speed.throughput_ips - 90 / speed.measured_s) < 1e-6 * speed.throughput_ips);
    const l = speed.latency_ms;
    assert.ok(l && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max && l.mean <= l.max);
    assert.ok(speed.first_inference_ms !== null && speed.first_inference_ms > 0);
    assert.ok(speed.peak_rss_bytes > 0);
    assert.ok(report.cpu.threads >= 1 && report.cpu.cpuModel.length > 0);
    assert.equal(run.stderr, '', 'nothing on stderr in --json mode');
  });

  it('builds a built-in arch on demand into the model cache and reports GFLOP/s from its MACs', async () => {
    const env = { ...process.env, VHARNESS_CACHE: join(dir, 'cache') };
    const run = await vharness(['infer', '--model', 'tiny', '--warmup', '1', '--steps', '3', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as InferReport;
    assert.equal(report.model.arch, 'tiny');
    assert.ok(report.model.path.startsWith(join(dir, 'cache')), report.model.path);
    assert.ok(report.model.macsPerImage !== null && report.model.macsPerImage > 0);
    assert.ok(report.speed && report.speed.gflops !== null && report.speed.gflops > 0);
    const again = await vharness(['infer', '--model', 'tiny', '--warmup', '0', '--steps', '1', '--json'], env);
    assert.equal((JSON.parse(again.stdout) as InferReport).model.sha256, report.model.sha256, 'the cached file is reused');
  });

  it('prints the text report', async () => {
    const run = await vharness(['infer', '--model', model, '--warmup', '1', '--steps', '5']);
    assert.equal(run.code, 0, run.stderr);
    for (const label of ['model', 'machine', 'session', 'latency', 'throughput', 'peak RSS']) assert.match(run.stdout, new RegExp(`^${label}\\s`, 'm'));
  });

  it('measures top-1/top-5 on a PNG dataset in ImageNet layout', async () => {
    const session = await ort.InferenceSession.create(model);
    const colors: [number, number, number][] = [
      [250, 10, 10], [10, 250, 10], [10, 10, 250], [200, 200, 30], [30, 200, 200], [128, 128, 128], [0, 0, 0], [255, 255, 255],
    ];
    // One folder per class of the model; every other image is filed under a wrong class.
    const classes = Array.from({ length: TINY_CLASSES }, (_, k) => `class-${k}`);
    const data = join(dir, 'dataset');
    for (const name of classes) mkdirSync(join(data, name), { recursive: true });
    let hits = 0;
    for (const [i, color] of colors.entries()) {
      const predicted = await expectedClass(session, color);
      const label = i % 2 === 0 ? predicted : (predicted + 1) % TINY_CLASSES;
      if (label === predicted) hits++;
      const file = join(data, classes[label] as string, `img${i}`);
      if (i === 0) writeSolidJpeg(`${file}.JPG`, color, 50, 70);
      else writeSolidPng(`${file}.png`, color, 40 + i, 30);
    }
    await session.release();
    writeFileSync(join(data, 'class-0', 'notes.txt'), 'not an image');

    const run = await vharness(['infer', '--model', model, '--accuracy', '--dataset', data, '--batch', '3', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as InferReport;
    assert.equal(report.speed, undefined);
    const accuracy = report.accuracy;
    assert.ok(accuracy);
    assert.equal(accuracy.images, colors.length);
    assert.equal(accuracy.classes, classes.length);
    assert.equal(hits, colors.length / 2);
    assert.equal(accuracy.top1, hits / colors.length);
    assert.ok(accuracy.top5 >= accuracy.top1);

    const agree = await vharness(['infer', '--model', model, '--reference', model, '--dataset', data, '--json']);
    assert.equal(agree.code, 0, agree.stderr);
    const agreement = (JSON.parse(agree.stdout) as InferReport).agreement;
    assert.ok(agreement);
    assert.deepEqual([agreement.images, agreement.top1, agreement.top5, agreement.source], [colors.length, 1, 1, 'dataset']);
  });

  it('reports agreement over synthetic images when there is no dataset', async () => {
    const run = await vharness(['infer', '--model', model, '--reference', model, '--images', '12', '--batch', '5', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const agreement = (JSON.parse(run.stdout) as InferReport).agreement;
    assert.ok(agreement);
    assert.deepEqual([agreement.images, agreement.top1, agreement.source], [12, 1, 'synthetic']);
    assert.ok(agreement.distinctClasses >= 1);
  });

  it('fails cleanly on bad input: one error line, the right exit code, no stack', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--model', join(dir, 'missing.onnx')], 4, /missing\.onnx: no such file/],
      [['--model', join(dir, 'dataset')], 4, /dataset: is a directory/],
      [['--model', 'resnet51'], 4, /unknown model 'resnet51'/],
      [['--model', model, '--precision', 'fp16'], 2, /--precision to be fp32 or int8, got 'fp16'/],
      [['--model', model, '--batch', 'x'], 2, /--batch to be an integer >= 1, got 'x'/],
      [['--model', model, '--accuracy'], 2, /--accuracy needs --dataset/],
      [['--model', model, '--accuracy', '--dataset', join(dir, 'nope')], 2, /cannot read dataset folder/],
      [['--model', model, '--bogus'], 2, /bogus/],
    ];
    const notOnnx = join(dir, 'not-a-model.onnx');
    writeFileSync(notOnnx, 'hello');
    cases.push([['--model', notOnnx], 4, /not-a-model\.onnx: not an ONNX model/]);
    // An unreadable image is bad input (the model package's 'input' failure), not a model error.
    mkdirSync(join(dir, 'broken-set', 'cat'), { recursive: true });
    writeFileSync(join(dir, 'broken-set', 'cat', 'broken.jpg'), 'not an image');
    cases.push([['--model', model, '--accuracy', '--dataset', join(dir, 'broken-set')], 2, /broken\.jpg is not a JPEG or PNG image/]);
    for (const [args, code, message] of cases) {
      const run = await vharness(['infer', ...args, '--steps', '1', '--warmup', '0']);
      assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /^(loading .*\n)?(accuracy over .*\n)?error: /);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});

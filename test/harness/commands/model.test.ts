// `vharness model` through the real CLI binary with a throwaway cache: build (tiny, int8, JSON),
// the cached second build, quantize and inspect of a file, calibration from an image folder,
// and clean errors with the model exit code.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { ExitCode } from '../../../harness/errors.js';

const cli = fileURLToPath(new URL('../../../../bin/vharness.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('vharness model', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const vharness = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [cli, 'model', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vharness-model-cli-'));
    env = { ...process.env, VHARNESS_CACHE: join(dir, 'cache') };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('build --json prints path, sha256, params, MACs and int8 agreement; a second build comes from the cache', async () => {
    const first = await vharness(['build', '--arch', 'tiny', '--precision', 'int8', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const info = JSON.parse(first.stdout) as { path: string; sha256: string; bytes: number; params: number; macsPerImage: number; agreement: { top1: number; images: number }; cached: boolean };
    assert.equal(info.cached, false);
    assert.ok(existsSync(info.path));
    assert.match(info.sha256, /^[0-9a-f]{64}$/);
    assert.equal(info.params, 14282);
    assert.equal(info.macsPerImage, 1852032);
    assert.equal(info.agreement.images, 100);
    const second = await vharness(['build', '--arch', 'tiny', '--precision', 'int8', '--json']);
    const again = JSON.parse(second.stdout) as typeof info;
    assert.equal(again.cached, true);
    assert.equal(again.sha256, info.sha256);
  });

  it('build prints a human summary; quantize and inspect work on the file', async () => {
    const built = await vharness(['build', '--arch', 'tiny', '--out', join(dir, 'out')]);
    assert.equal(built.code, 0, built.stderr);
    assert.match(built.stdout, /tiny fp32 \(seed 1\)/);
    assert.match(built.stdout, /MACs\s+1\.85 M per image/);
    const fp32 = join(dir, 'out', 'tiny-fp32-s1.onnx');
    assert.ok(existsSync(fp32));
    const int8 = join(dir, 'tiny-int8.onnx');
    const q = await vharness(['quantize', fp32, int8, '--calibration-random', '4', '--json']);
    assert.equal(q.code, 0, q.stderr);
    const qInfo = JSON.parse(q.stdout) as { path: string; precision: string; agreement: { top1: number } };
    assert.equal(qInfo.precision, 'int8');
    assert.equal(qInfo.path, int8);
    const inspected = await vharness(['inspect', int8, '--optimized', '--json']);
    assert.equal(inspected.code, 0, inspected.stderr);
    const stats = JSON.parse(inspected.stdout) as { opCounts: Record<string, number>; optimizedOps: Record<string, number> };
    assert.equal(stats.opCounts.Conv, 15, 'QDQ form keeps Conv nodes between DequantizeLinear and QuantizeLinear');
    assert.equal(stats.optimizedOps['com.microsoft.QLinearConv'], 15);
    assert.equal(stats.optimizedOps.Conv, undefined);
  });

  it('quantize --calibration DIR calibrates on JPEG/PNG images found in the folder', async () => {
    const images = join(dir, 'images', 'class-a');
    mkdirSync(images, { recursive: true });
    for (let i = 0; i < 3; i++) {
      const png = new PNG({ width: 40, height: 36 });
      for (let p = 0; p < 40 * 36; p++) png.data.set([(p * (i + 3)) % 256, (p * 7) % 256, 60 * i, 255], p * 4);
      writeFileSync(join(images, `img${i}.png`), PNG.sync.write(png));
    }
    const fp32 = join(dir, 'out', 'tiny-fp32-s1.onnx');
    const q = await vharness(['quantize', fp32, join(dir, 'calibrated.onnx'), '--calibration', join(dir, 'images'), '--method', 'percentile', '--no-agreement', '--json']);
    assert.equal(q.code, 0, q.stderr);
    assert.equal((JSON.parse(q.stdout) as { agreement: unknown }).agreement, null);
  });

  it('bad input: clear one-line errors, model exit code, no stack trace', async () => {
    const notOnnx = join(dir, 'notes.onnx');
    writeFileSync(notOnnx, 'hello\n');
    for (const args of [['inspect', notOnnx], ['quantize', join(dir, 'missing.onnx'), join(dir, 'x.onnx')]]) {
      const r = await vharness(args);
      assert.equal(r.code, ExitCode.model, r.stderr);
      assert.match(r.stderr, /^error: .*(not an ONNX model|no such file)/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    const usage = await vharness(['build', '--arch', 'vgg']);
    assert.equal(usage.code, ExitCode.usage);
    assert.match(usage.stderr, /Expected --arch to be one of resnet50, tiny, got 'vgg'/);
    const both = await vharness(['quantize', 'a.onnx', 'b.onnx', '--calibration', 'x', '--calibration-random', '3']);
    assert.equal(both.code, ExitCode.usage);
    const wrongFlag = await vharness(['inspect', notOnnx, '--seed', '3']);
    assert.equal(wrongFlag.code, ExitCode.usage, 'a flag of build is not a flag of inspect');
    assert.match(wrongFlag.stderr, /Unknown option '--seed'/);
  });
});

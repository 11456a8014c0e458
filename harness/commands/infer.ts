// `vharness infer`: one instance on this machine, in process (the study's launch_benchmark.py):
// the same load and timed loop as the agent, then latency, throughput and the CPU facts.
import { loadModel, makeInput, type LoadedModel } from '../../agent/infer.js';
import type { Precision } from '../../agent/protocol.js';
import { runBatches } from '../../agent/run-batches.js';
import { collectSysInfo, processAffinity } from '../../agent/sysinfo.js';
import { durationFlag, intFlag, parse } from '../args.js';
import type { Command } from '../cli.js';
import { ExitCode, UsageError } from '../errors.js';
import { measureAccuracy, measureAgreement, type ImageSource } from '../infer/accuracy.js';
import { toCliError } from '../infer/cli-error.js';
import { listImageDataset } from '../infer/image-dataset.js';
import { formatInferReport, type InferReport } from '../infer/infer-text.js';
import { resolveModel, syntheticSource } from '../infer/resolve-model.js';
import { summarizeSpeed } from '../infer/speed-summary.js';
import { createLogger, silentLogger } from '../log.js';

const usage = `usage: vharness infer [options]

Runs one inference instance in this process and reports latency mean/p50/p90/p99/max,
first inference, throughput, peak RSS, threads and the CPU facts.

  --model NAME|PATH     resnet50, tiny (built on demand, cached) or an .onnx file (default resnet50)
  --precision P         fp32 or int8 (default fp32)
  --batch N             images per inference (default 1)
  --threads N           onnxruntime intra-op threads (default: CPUs this process may use)
  --inter-threads N     onnxruntime inter-op threads (default 1)
  --warmup N            batches before measuring (default 20)
  --steps N             measured batches; with --duration the minimum (default 100)
  --duration D          measure for this long, e.g. 10s (default: --steps only)
  --seed N              model builder seed (default: the builder's)
  --json                print the report as JSON on stdout
  --accuracy            report top-1/top-5 on --dataset instead of speed
  --dataset DIR         labeled images, one folder per class (ImageNet layout, JPEG/PNG)
  --reference MODEL     report top-1/top-5 agreement with this model (name or path, same precision rules)
  --reference-precision P  precision of a built-in reference (default fp32)
  --images N            synthetic images for --reference without --dataset (default 100)`;

const options = {
  model: { type: 'string' },
  precision: { type: 'string' },
  batch: { type: 'string' },
  threads: { type: 'string' },
  'inter-threads': { type: 'string' },
  warmup: { type: 'string' },
  steps: { type: 'string' },
  duration: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  accuracy: { type: 'boolean' },
  dataset: { type: 'string' },
  reference: { type: 'string' },
  'reference-precision': { type: 'string' },
  images: { type: 'string' },
} as const;

function precisionFlag(name: string, value: string | undefined): Precision {
  if (value === undefined) return 'fp32';
  if (value === 'fp32' || value === 'int8') return value;
  throw new UsageError(`Expected --${name} to be fp32 or int8, got '${value}'`);
}

export const command: Command = {
  summary: 'run one inference instance here: latency, throughput, accuracy',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, options, usage);
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, { hint: usage.split('\n')[0] });
    const precision = precisionFlag('precision', values.precision);
    const batch = intFlag('batch', values.batch, 1);
    const intraOpThreads = intFlag('threads', values.threads, Math.max(1, processAffinity().length));
    const interOpThreads = intFlag('inter-threads', values['inter-threads'], 1);
    const warmup = intFlag('warmup', values.warmup, 20, 0);
    const durationMs = durationFlag('duration', values.duration);
    const steps = intFlag('steps', values.steps, 100, durationMs === undefined ? 1 : 0);
    const seed = values.seed === undefined ? undefined : intFlag('seed', values.seed, 0, 0);
    const images = intFlag('images', values.images, 100);
    const checking = values.accuracy === true || values.reference !== undefined;
    if (values.accuracy === true && values.dataset === undefined) throw new UsageError('--accuracy needs --dataset DIR (one folder per class)');
    if (values.dataset !== undefined && !checking) throw new UsageError('--dataset is used with --accuracy or --reference');
    if (durationMs !== undefined && durationMs <= 0) throw new UsageError(`Expected --duration to be positive, got '${values.duration}'`);
    const log = values.json ? silentLogger : createLogger();

    try {
      const model = await resolveModel(values.model ?? 'resnet50', precision, { seed, log });
      log.info(`loading ${model.path} (${intraOpThreads} intra-op, ${interOpThreads} inter-op threads)`);
      const loaded = await loadModel({ path: model.path, intraOpThreads, interOpThreads });
      const toRelease: LoadedModel[] = [loaded];
      try {
        const report: InferReport = {
          model,
          threads: { intra_op: intraOpThreads, inter_op: interOpThreads },
          load_ms: loaded.loadMs,
          cpu: collectSysInfo(),
        };
        if (checking) {
          const dataset = values.dataset === undefined ? undefined : await listImageDataset(values.dataset);
          if (values.accuracy === true && dataset) {
            log.info(`accuracy over ${dataset.images.length} images in ${dataset.classes.length} classes`);
            report.accuracy = await measureAccuracy(loaded, dataset, batch);
          }
          if (values.reference !== undefined) {
            const refPrecision = precisionFlag('reference-precision', values['reference-precision']);
            const ref = await resolveModel(values.reference, refPrecision, { seed, log });
            const reference = await loadModel({ path: ref.path, intraOpThreads, interOpThreads });
            toRelease.push(reference);
            const source: ImageSource = dataset ? { kind: 'dataset', dataset } : syntheticSource(images, seed);
            log.info(`agreement with ${ref.path} over ${dataset ? dataset.images.length : images} ${source.kind} images`);
            report.agreement = { ...(await measureAgreement(loaded, reference, source, batch)), reference: `${ref.arch} ${ref.precision}` };
          }
        } else {
          const input = makeInput(loaded, batch);
          const raw = await runBatches({
            model: loaded,
            input,
            warmup,
            steps,
            ...(durationMs === undefined ? {} : { durationMs }),
            progressEveryMs: 500,
            onProgress: (phase, done, total) => log.progress(`${phase} ${done}${total === null ? '' : `/${total}`}`),
          });
          const speed = summarizeSpeed(raw);
          const gflops = model.macsPerImage === null ? null : (2 * model.macsPerImage * speed.throughput_ips) / 1e9;
          report.speed = { ...speed, gflops };
        }
        process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatInferReport(report));
        return ExitCode.ok;
      } finally {
        for (const m of toRelease) await m.session.release().catch(() => undefined);
      }
    } catch (error) {
      throw toCliError(error);
    }
  },
};

// `vharness infer`: one instance on this machine, in process (the study's launch_benchmark.py):
// the same load and timed loop as the agent, then latency, throughput and the CPU facts.
import { loadModel, makeInput, type LoadedModel } from '../../agent/infer.js';
import { runBatches } from '../../agent/run-batches.js';
import { collectSysInfo, processAffinity } from '../../agent/sysinfo.js';
import { durationFlag, intFlag, precisionFlag } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { measureAccuracy, measureAgreement, type ImageSource } from '../infer/accuracy.js';
import { toCliError } from '../infer/cli-error.js';
import { listImageDataset } from '../infer/image-dataset.js';
import { formatInferReport, type InferReport } from '../infer/infer-text.js';
import { resolveModel, syntheticSource } from '../infer/resolve-model.js';
import { summarizeSpeed } from '../infer/speed-summary.js';
import { createLogger, silentLogger } from '../log.js';
import { precisionOption } from './shared-flags.js';

export const command = defineCommand({
  args: '',
  description: `Runs one inference instance in this process (the study's launch_benchmark.py) and reports
latency mean/p50/p90/p99/max, first inference, throughput, peak RSS, threads and the CPU facts;
with --accuracy or --reference, top-1/top-5 instead of speed.`,
  flags: {
    model: { type: 'string', arg: 'NAME|PATH', file: true, help: 'resnet50, tiny (built on demand, cached) or an .onnx file (default resnet50)' },
    precision: precisionOption,
    batch: { type: 'string', arg: 'N', help: 'images per inference (default 1)' },
    threads: { type: 'string', arg: 'N', help: 'onnxruntime intra-op threads (default: CPUs this process may use)' },
    'inter-threads': { type: 'string', arg: 'N', help: 'onnxruntime inter-op threads (default 1)' },
    warmup: { type: 'string', arg: 'N', help: 'batches before measuring (default 20)' },
    steps: { type: 'string', arg: 'N', help: 'measured batches; with --duration the minimum (default 100)' },
    duration: { type: 'string', arg: 'D', help: 'measure for this long, e.g. 10s (default: --steps only)' },
    seed: { type: 'string', arg: 'N', help: "model builder seed (default: the builder's)" },
    json: { type: 'boolean', help: 'print the report as JSON on stdout' },
    accuracy: { type: 'boolean', help: 'report top-1/top-5 on --dataset instead of speed' },
    dataset: { type: 'string', arg: 'DIR', file: true, help: 'labeled images, one folder per class (ImageNet layout, JPEG/PNG)' },
    reference: { type: 'string', arg: 'MODEL', file: true, help: 'report top-1/top-5 agreement with this model (name or path)' },
    'reference-precision': { ...precisionOption, help: 'precision of a built-in reference (default fp32)' },
    images: { type: 'string', arg: 'N', help: 'synthetic images for --reference without --dataset (default 100)' },
  },
  examples: [
    { command: 'vharness infer --model resnet50 --precision int8 --batch 1 --threads 2 --warmup 20 --steps 100', says: 'int8 latency and throughput of one instance' },
    { command: 'vharness infer --model tiny --duration 10s --json', says: 'the tiny test net for ten seconds, as JSON' },
    { command: 'vharness infer --model tiny --accuracy --dataset DIR', says: 'top-1/top-5 on labeled images (one folder per class)' },
    { command: 'vharness infer --model resnet50 --precision int8 --reference resnet50', says: 'int8 top-1 agreement with fp32 on synthetic images' },
  ],
  exits: [ExitCode.ok, ExitCode.usage, ExitCode.model, ExitCode.failure],
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const precision = precisionFlag('precision', values.precision, 'fp32');
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
            const refPrecision = precisionFlag('reference-precision', values['reference-precision'], 'fp32');
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
});

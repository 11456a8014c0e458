// `vharness model`: build the synthetic ResNet-50 (or the tiny test net) at fp32 or int8,
// quantize any fp32 ONNX CNN to int8, and inspect a model file (what onnxruntime runs).
import { performance } from 'node:perf_hooks';
import { basename } from 'node:path';
import { intFlag, parse } from '../args.js';
import type { Command } from '../cli.js';
import { ExitCode, UsageError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { buildKey, buildModel, DEFAULT_SEED, type BuiltModel } from '../../model/build.js';
import { lookupModel } from '../../model/model-cache.js';
import { architectures, isArchName } from '../../model/resnet-arch.js';
import { ensureModel } from '../../model/resolve.js';
import { DEFAULT_CALIBRATION_IMAGES, DEFAULT_FOLDER_IMAGES, evaluationSeed, quantizeToInt8 } from '../../model/quantize-file.js';
import { CalibrationMethod } from '../../model/calibrate.js';
import { optimizedOpCounts } from '../../model/optimized-ops.js';
import { noiseAgreement, type NoiseAgreement } from '../../model/noise-agreement.js';
import { readModelFile } from '../../model/onnx-file.js';
import { graphStats } from '../../model/graph-stats.js';
import type { Precision } from '../../agent/protocol.js';
import type { ModelInfo, QuantizedModelInfo } from '../../model/types.js';

const usage = `usage: vharness model build --arch resnet50|tiny --precision fp32|int8 [options]
       vharness model quantize IN.onnx OUT.onnx [options]
       vharness model inspect MODEL.onnx [--optimized] [--json]

build: the synthetic ResNet-50 v1.5 (or the tiny test net), deterministic from a seed,
cached by content (a second build returns at once). int8 builds report top-1 agreement
with fp32 on 100 synthetic images.
  --arch NAME           ${Object.keys(architectures).join(' or ')} (default resnet50)
  --precision P         fp32 or int8 (default fp32)
  --seed N              weights seed (default ${DEFAULT_SEED})
  --out DIR             also copy the file to DIR/<arch>-<precision>-s<seed>.onnx
  --no-cache            build even if the cache has it
  --check               also report top-1 stability under input noise below one 8-bit step,
                        and (int8) the op counts after onnxruntime's optimization
  --json                print the result as JSON on stdout

quantize: static QDQ int8 (per-channel s8 weights, u8 activations) of an fp32 ONNX CNN.
  --calibration DIR         calibrate on the first ${DEFAULT_FOLDER_IMAGES} JPEG/PNG images under DIR (sorted paths;
                            resize 256, center crop 224, ImageNet normalization)
  --calibration-random N    calibrate on N synthetic images (default ${DEFAULT_CALIBRATION_IMAGES})
  --method M                minmax or percentile (99.99%) ranges (default minmax)
  --no-agreement            skip the top-1 agreement check against IN
  --json                    print the result as JSON on stdout

inspect: input, classes, params, MACs per image and op counts of a model file.
  --optimized               op counts after onnxruntime's optimization (level 'all')
  --json                    print the result as JSON on stdout`;

const options = {
  arch: { type: 'string' },
  precision: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  'no-cache': { type: 'boolean' },
  check: { type: 'boolean' },
  json: { type: 'boolean' },
  calibration: { type: 'string' },
  'calibration-random': { type: 'string' },
  method: { type: 'string' },
  'no-agreement': { type: 'boolean' },
  optimized: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse<typeof options>>['values'];

function precisionFlag(value: string | undefined): Precision {
  if (value === undefined) return 'fp32';
  if (value === 'fp32' || value === 'int8') return value;
  throw new UsageError(`Expected --precision to be fp32 or int8, got '${value}'`);
}

function methodFlag(value: string | undefined): CalibrationMethod {
  if (value === undefined) return CalibrationMethod.minmax;
  if (value === CalibrationMethod.minmax || value === CalibrationMethod.percentile) return value;
  throw new UsageError(`Expected --method to be minmax or percentile, got '${value}'`);
}

/** Flags that belong to another subcommand are an error, not silently ignored. */
function onlyFlags(values: Values, allowed: string[], sub: string): void {
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key)) throw new UsageError(`--${key} is not an option of 'model ${sub}'`, { hint: usage.split('\n')[0] });
  }
}

interface Check {
  noise: NoiseAgreement;
  optimizedOps?: Record<string, number>;
}

export const command: Command = {
  summary: 'build the synthetic ResNet-50 (fp32/int8), quantize an ONNX CNN, inspect a model',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, options, usage);
    const [sub, ...rest] = positionals;
    const log = createLogger();
    const progress = (message: string): void => log.progress(message);
    switch (sub) {
      case 'build':
        return runBuild(values, rest, progress);
      case 'quantize':
        return runQuantize(values, rest, log, progress);
      case 'inspect':
        return runInspect(values, rest);
      default:
        throw new UsageError(sub === undefined ? 'missing subcommand (build, quantize or inspect)' : `unknown subcommand '${sub}'`, { hint: usage.split('\n')[0] });
    }
  },
};

async function runBuild(values: Values, rest: string[], progress: (m: string) => void): Promise<number> {
  onlyFlags(values, ['arch', 'precision', 'seed', 'out', 'no-cache', 'check', 'json'], 'build');
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`, { hint: usage.split('\n')[0] });
  const arch = values.arch ?? 'resnet50';
  if (!isArchName(arch)) throw new UsageError(`Expected --arch to be one of ${Object.keys(architectures).join(', ')}, got '${arch}'`);
  const precision = precisionFlag(values.precision);
  const seed = intFlag('seed', values.seed, DEFAULT_SEED, 0);
  if (seed > 0xffffffff) throw new UsageError(`Expected --seed to be below 2^32, got '${values.seed}'`);
  const cached = values['no-cache'] !== true && (await lookupModel(buildKey(arch, precision, seed))) !== undefined;
  const started = performance.now();
  const info = await buildModel({ arch, precision, seed, outDir: values.out, noCache: values['no-cache'] === true, log: progress });
  const seconds = (performance.now() - started) / 1000;
  const check = values.check ? await runCheck(info, seed, progress) : undefined;
  if (values.json) process.stdout.write(`${JSON.stringify({ ...info, cached, seconds: round(seconds, 3), ...(check ? { check } : {}) }, null, 2)}\n`);
  else process.stdout.write(describe(info, cached ? undefined : seconds, check));
  return ExitCode.ok;
}

/** Noise robustness is a property of the fp32 net (int8 adds its own input rounding); op counts of int8. */
async function runCheck(info: BuiltModel, seed: number, progress: (m: string) => void): Promise<Check> {
  progress('check: fp32 top-1 under input noise');
  const fp32 = info.precision === 'fp32' ? info : await buildModel({ arch: info.arch, precision: 'fp32', seed, log: progress });
  const noise = await noiseAgreement(fp32.path, fp32.inputShape, evaluationSeed(seed));
  if (info.precision !== 'int8') return { noise };
  progress('check: onnxruntime optimized graph');
  return { noise, optimizedOps: await optimizedOpCounts(info.path) };
}

async function runQuantize(values: Values, rest: string[], log: Logger, progress: (m: string) => void): Promise<number> {
  onlyFlags(values, ['calibration', 'calibration-random', 'method', 'no-agreement', 'json'], 'quantize');
  const [input, output, extra] = rest;
  if (input === undefined || output === undefined) throw new UsageError('quantize needs IN.onnx and OUT.onnx', { hint: usage.split('\n')[1]?.trim() });
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  if (values.calibration !== undefined && values['calibration-random'] !== undefined) {
    throw new UsageError('use either --calibration DIR or --calibration-random N, not both');
  }
  const count = intFlag('calibration-random', values['calibration-random'], DEFAULT_CALIBRATION_IMAGES);
  const method = methodFlag(values.method);
  const started = performance.now();
  const fp32 = await ensureModel(input, 'fp32');
  const info = await quantizeToInt8(fp32, {
    outPath: output,
    seed: DEFAULT_SEED,
    label: input,
    method,
    calibrationDir: values.calibration,
    calibrationImages: values.calibration === undefined ? count : DEFAULT_FOLDER_IMAGES,
    agreement: values['no-agreement'] !== true,
    log: progress,
  });
  const seconds = (performance.now() - started) / 1000;
  if (info.unsupportedOps.length > 0) log.warn(`left in float (not quantized): ${info.unsupportedOps.join(', ')}`);
  if (values.json) process.stdout.write(`${JSON.stringify({ ...info, method, seconds: round(seconds, 3) }, null, 2)}\n`);
  else process.stdout.write(describe(info, seconds));
  return ExitCode.ok;
}

async function runInspect(values: Values, rest: string[]): Promise<number> {
  onlyFlags(values, ['optimized', 'json'], 'inspect');
  const [path, extra] = rest;
  if (path === undefined) throw new UsageError('inspect needs MODEL.onnx');
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  const file = await readModelFile(path);
  const stats = graphStats(file.model, path);
  const optimizedOps = values.optimized ? await optimizedOpCounts(path) : undefined;
  const result = { path, sha256: file.sha256, bytes: file.bytes.length, ...stats, ...(optimizedOps ? { optimizedOps } : {}) };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return ExitCode.ok;
  }
  const lines = [
    `${basename(path)}`,
    `  sha256     ${file.sha256}`,
    `  size       ${formatBytes(file.bytes.length)}`,
    `  input      ${stats.inputName} [N, ${stats.inputShape.join(', ')}] -> ${stats.classes} classes`,
    `  params     ${formatCount(stats.params)}`,
    `  MACs       ${stats.macsPerImage === null ? 'unknown' : `${formatCount(stats.macsPerImage)} per image`}`,
    `  ops        ${formatOps(stats.opCounts)}`,
  ];
  if (optimizedOps) lines.push(`  optimized  ${formatOps(optimizedOps)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

function describe(info: ModelInfo | QuantizedModelInfo, seconds: number | undefined, check?: Check): string {
  const lines = [
    `${info.arch} ${info.precision}${info.seed === null ? '' : ` (seed ${info.seed})`}`,
    `  file       ${info.path} (${formatBytes(info.bytes)})`,
    `  sha256     ${info.sha256}`,
    `  input      ${info.inputName} [N, ${info.inputShape.join(', ')}] -> ${info.classes} classes`,
    `  params     ${info.params === null ? 'unknown' : formatCount(info.params)}`,
    `  MACs       ${info.macsPerImage === null ? 'unknown' : `${formatCount(info.macsPerImage)} per image`}`,
  ];
  if ('agreement' in info && info.agreement) {
    const a = info.agreement;
    lines.push(`  agreement  top-1 ${(a.top1 * 100).toFixed(0)}% with fp32 on ${a.images} synthetic images (${a.distinctClasses} distinct fp32 classes)`);
  }
  if ('unsupportedOps' in info && info.unsupportedOps.length > 0) lines.push(`  float ops  ${info.unsupportedOps.join(', ')}`);
  if (check) {
    lines.push(`  noise      fp32 top-1 unchanged on ${(check.noise.top1 * 100).toFixed(0)}% of ${check.noise.images} images under input noise below one 8-bit step`);
    if (check.optimizedOps) lines.push(`  optimized  ${formatOps(check.optimizedOps)}`);
  }
  lines.push(`  time       ${seconds === undefined ? 'from cache' : `${seconds.toFixed(1)} s`}`);
  return `${lines.join('\n')}\n`;
}

function formatOps(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([op, n]) => `${op.replace(/^com\.microsoft\./, '')} ${n}`)
    .join(', ');
}

function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

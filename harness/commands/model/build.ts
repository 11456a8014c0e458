// `vharness model build`: the synthetic ResNet-50 v1.5 (or the tiny test net) at fp32 or int8,
// deterministic from a seed and cached by content.
import { performance } from 'node:perf_hooks';
import { intFlag, precisionFlag } from '../../args.js';
import { defineCommand } from '../../command.js';
import { ExitCode, UsageError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { buildKey, buildModel, DEFAULT_SEED, type BuiltModel } from '../../../model/build.js';
import { lookupModel } from '../../../model/model-cache.js';
import { architectures, isArchName } from '../../../model/resnet-arch.js';
import { evaluationSeed } from '../../../model/quantize-file.js';
import { optimizedOpCounts } from '../../../model/optimized-ops.js';
import { noiseAgreement } from '../../../model/noise-agreement.js';
import { precisionOption } from '../shared-flags.js';
import { describeModel, roundTo, type Check } from './describe-model.js';

export const command = defineCommand({
  args: '',
  description: `The synthetic ResNet-50 v1.5 (or the tiny test net), deterministic from a seed: the same
seed gives the same bytes and sha256 everywhere. Cached by content (a second build returns at
once). int8 builds report top-1 agreement with fp32 on 100 synthetic images.`,
  flags: {
    arch: { type: 'string', arg: 'NAME', choices: Object.keys(architectures), help: `${Object.keys(architectures).join(' or ')} (default resnet50)` },
    precision: precisionOption,
    seed: { type: 'string', arg: 'N', help: `weights seed (default ${DEFAULT_SEED})` },
    out: { type: 'string', arg: 'DIR', file: true, help: 'also copy the file to DIR/<arch>-<precision>-s<seed>.onnx' },
    'no-cache': { type: 'boolean', help: 'build even if the cache has it' },
    check: { type: 'boolean', help: "also report top-1 stability under input noise below one 8-bit step,\nand (int8) the op counts after onnxruntime's optimization" },
    json: { type: 'boolean', help: 'print the result as JSON on stdout' },
  },
  examples: [
    { command: 'vharness model build --arch resnet50 --precision int8', says: 'the int8 ResNet-50 (about a minute the first time, then cached)' },
    { command: 'vharness model build --arch tiny --precision fp32 --json', says: 'the tiny test net, its path and sha256 as JSON' },
    { command: 'vharness model build --arch resnet50 --seed 7 --out models/', says: 'another seed, copied to models/resnet50-fp32-s7.onnx' },
  ],
  exits: [ExitCode.ok, ExitCode.usage, [ExitCode.model, 'the build or the int8 quantization failed']],
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const arch = values.arch ?? 'resnet50';
    if (!isArchName(arch)) throw new UsageError(`Expected --arch to be one of ${Object.keys(architectures).join(', ')}, got '${arch}'`);
    const precision = precisionFlag('precision', values.precision, 'fp32');
    const seed = intFlag('seed', values.seed, DEFAULT_SEED, 0);
    if (seed > 0xffffffff) throw new UsageError(`Expected --seed to be below 2^32, got '${values.seed}'`);
    const log = createLogger();
    const progress = (message: string): void => log.progress(message);
    const cached = values['no-cache'] !== true && (await lookupModel(buildKey(arch, precision, seed))) !== undefined;
    const started = performance.now();
    const info = await buildModel({ arch, precision, seed, outDir: values.out, noCache: values['no-cache'] === true, log: progress });
    const seconds = (performance.now() - started) / 1000;
    const check = values.check ? await runCheck(info, seed, progress) : undefined;
    if (values.json) process.stdout.write(`${JSON.stringify({ ...info, cached, seconds: roundTo(seconds, 3), ...(check ? { check } : {}) }, null, 2)}\n`);
    else process.stdout.write(describeModel(info, cached ? undefined : seconds, check));
    return ExitCode.ok;
  },
});

/** Noise robustness is a property of the fp32 net (int8 adds its own input rounding); op counts of int8. */
async function runCheck(info: BuiltModel, seed: number, progress: (m: string) => void): Promise<Check> {
  progress('check: fp32 top-1 under input noise');
  const fp32 = info.precision === 'fp32' ? info : await buildModel({ arch: info.arch, precision: 'fp32', seed, log: progress });
  const noise = await noiseAgreement(fp32.path, fp32.inputShape, evaluationSeed(seed));
  if (info.precision !== 'int8') return { noise };
  progress('check: onnxruntime optimized graph');
  return { noise, optimizedOps: await optimizedOpCounts(info.path) };
}

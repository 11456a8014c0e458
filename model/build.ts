// `buildModel`: a synthetic architecture at a precision, from the cache when it was built before.
// int8 builds quantize the fp32 build with synthetic calibration images and report top-1
// agreement with fp32 on 100 other synthetic images.
import { resolve as resolvePath } from 'node:path';
import { ModelFailure } from './model-failure.js';
import { architectures, isArchName, type ArchName } from './resnet-arch.js';
import { BUILDER_VERSION, buildResnet } from './resnet-build.js';
import { decodeModel } from './onnx-file.js';
import { graphStats } from './graph-stats.js';
import { exportModel, lookupModel, storeModel } from './model-cache.js';
import type { ModelInfo, Precision, QuantizedModelInfo } from './types.js';
import { quantizeToInt8 } from './quantize-file.js';

export const DEFAULT_SEED = 1;

export interface BuildOptions {
  /** `resnet50` or `tiny`. */
  arch: string;
  precision: Precision;
  /** @default 1 */
  seed?: number;
  /** Also copy the file to this folder as `<arch>-<precision>-s<seed>.onnx`; the returned path is the copy. */
  outDir?: string;
  /** Build even when the cache has the model (the result is still stored). @default false */
  noCache?: boolean;
  /** Progress lines for long steps. */
  log?: (message: string) => void;
}

export type BuiltModel = ModelInfo | QuantizedModelInfo;

/** The cache key of a synthetic build. */
export function buildKey(arch: string, precision: Precision, seed: number): string {
  return `${arch}|${precision}|seed=${seed}|builder=${BUILDER_VERSION}`;
}

const inflight = new Map<string, Promise<BuiltModel>>();

async function buildUncached(archName: ArchName, precision: Precision, seed: number, key: string, noCache: boolean, log: (message: string) => void): Promise<BuiltModel> {
  if (precision === 'fp32') {
    const arch = architectures[archName];
    const bytes = buildResnet(arch, { seed, log });
    const stats = graphStats(decodeModel(bytes, archName), archName);
    return storeModel<ModelInfo>(key, bytes, {
      arch: archName,
      precision,
      seed,
      params: stats.params,
      macsPerImage: stats.macsPerImage,
      inputName: stats.inputName,
      inputShape: stats.inputShape,
      classes: stats.classes,
    });
  }
  const fp32 = await buildModel({ arch: archName, precision: 'fp32', seed, noCache, log });
  return quantizeToInt8(fp32, { key, seed, log, label: archName });
}

export async function buildModel(options: BuildOptions): Promise<BuiltModel> {
  const { arch: archName, precision } = options;
  if (!isArchName(archName)) {
    throw new ModelFailure(`unknown arch '${archName}'`, { hint: `known archs: ${Object.keys(architectures).join(', ')}` });
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ModelFailure(`Expected the seed to be an integer in [0, 2^32), got ${seed}`);
  const log = options.log ?? (() => {});
  const key = buildKey(archName, precision, seed);
  let info: BuiltModel | undefined = options.noCache ? undefined : await lookupModel(key);
  if (!info) {
    // One build per key at a time in this process: concurrent callers (fp32 and int8 of one run)
    // share it instead of building the same net twice.
    let pending = options.noCache ? undefined : inflight.get(key);
    if (!pending) {
      pending = buildUncached(archName, precision, seed, key, options.noCache === true, log);
      if (!options.noCache) {
        inflight.set(key, pending);
        pending.finally(() => inflight.delete(key)).catch(() => {});
      }
    }
    info = await pending;
  }
  if (options.outDir) {
    const path = await exportModel(info.path, resolvePath(options.outDir), `${archName}-${precision}-s${seed}.onnx`);
    info = { ...info, path };
  }
  return info;
}

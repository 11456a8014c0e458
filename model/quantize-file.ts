// Quantizing a model file to int8 end to end: read, plan, calibrate (synthetic images or a
// folder of JPEG/PNG images), rewrite as QDQ, measure agreement with the fp32 model, then store
// in the cache under a key or write to a chosen path.
import { resolve as resolvePath } from 'node:path';
import { ModelFailure } from './model-failure.js';
import { encodeModel, readModelFile, sha256Hex } from './onnx-file.js';
import { constantsToInitializers } from './constant-initializers.js';
import { planQuantization, quantizeQdq, type TensorRange } from './quantize.js';
import { calibrate, type CalibrationMethod } from './calibrate.js';
import { syntheticImages } from './synthetic-images.js';
import { loadImageFolder } from './calibration-images.js';
import { agreementRate, topClasses } from './top-classes.js';
import { graphStats } from './graph-stats.js';
import { storeModel, writeAtomic } from './model-cache.js';
import type { Agreement, ModelInfo, QuantizedModelInfo } from './types.js';

/** Bumped whenever the quantizer's output for the same input changes; part of cache keys. */
export const QUANTIZER_VERSION = 2;

/** Default number of synthetic calibration images. */
export const DEFAULT_CALIBRATION_IMAGES = 16;
/** Images read from a calibration folder (the first ones in sorted path order). */
export const DEFAULT_FOLDER_IMAGES = 32;
/** Images of the fp32/int8 agreement check. */
export const AGREEMENT_IMAGES = 100;

export interface QuantizeToInt8Options {
  /** Cache key to store the result under; ignored when `outPath` is set. */
  key?: string;
  /** Write here instead of the cache. */
  outPath?: string;
  /** Seed of the synthetic calibration and agreement images. */
  seed: number;
  /** Names the model in messages. */
  label: string;
  /** @default 'minmax' */
  method?: CalibrationMethod;
  /** A folder of JPEG/PNG images for calibration (searched recursively); else synthetic images. */
  calibrationDir?: string;
  /** Number of calibration images: synthetic, or the first ones of the folder. @default 16 synthetic, 32 from a folder */
  calibrationImages?: number;
  /** Measure top-1 agreement with the fp32 model. @default true */
  agreement?: boolean;
  log?: (message: string) => void;
}

/** Seeds of calibration and evaluation images, apart from the builder's probe images. */
export function calibrationSeed(seed: number): number {
  return (seed ^ 0x63616c69) >>> 0;
}
export function evaluationSeed(seed: number): number {
  return (seed ^ 0x6576616c) >>> 0;
}

export async function quantizeToInt8(fp32: ModelInfo, options: QuantizeToInt8Options): Promise<QuantizedModelInfo> {
  const log = options.log ?? (() => {});
  const file = await readModelFile(fp32.path);
  const model = constantsToInitializers(file.model);
  const plan = planQuantization(model, options.label);
  const count = options.calibrationImages ?? (options.calibrationDir ? DEFAULT_FOLDER_IMAGES : DEFAULT_CALIBRATION_IMAGES);
  const images = options.calibrationDir
    ? await loadImageFolder(options.calibrationDir, fp32.inputShape, count)
    : { data: syntheticImages(count, calibrationSeed(options.seed), fp32.inputShape), count };
  log(`${options.label}: calibrating ${plan.tensors.length} tensors on ${images.count} images (${options.method ?? 'minmax'})`);
  const ranges = await calibrate(model, options.label, plan.tensors, images.data, images.count, { method: options.method ?? 'minmax', log });
  const result = quantizeQdq(model, coarsenRanges(ranges), options.label);
  const bytes = encodeModel(result.model);
  const stats = graphStats(result.model, options.label);
  const base = {
    arch: fp32.arch,
    precision: 'int8' as const,
    seed: fp32.seed,
    params: stats.params,
    macsPerImage: stats.macsPerImage,
    inputName: stats.inputName,
    inputShape: stats.inputShape,
    classes: stats.classes,
    unsupportedOps: result.unsupportedOps,
    agreement: null as Agreement | null,
  };
  let info: QuantizedModelInfo;
  if (options.outPath) {
    const path = resolvePath(options.outPath);
    await writeAtomic(path, bytes);
    info = { ...base, path, sha256: sha256Hex(bytes), bytes: bytes.length };
  } else {
    if (!options.key) throw new ModelFailure(`${options.label}: quantized model needs a cache key or an output path`);
    // Store first without agreement so the file exists for the check; then record the agreement.
    info = await storeModel<QuantizedModelInfo>(options.key, bytes, base);
  }
  if (options.agreement ?? true) {
    log(`${options.label}: top-1 agreement with fp32 on ${AGREEMENT_IMAGES} synthetic images`);
    const agreement = await measureAgreement(fp32.path, info.path, fp32.inputShape, evaluationSeed(options.seed));
    info = { ...info, agreement };
    if (!options.outPath && options.key) info = await storeModel<QuantizedModelInfo>(options.key, bytes, { ...base, agreement });
  }
  return info;
}

/** Top-1 agreement of two models on `count` synthetic images, and fp32's distinct top-1 classes. */
export async function measureAgreement(referencePath: string, candidatePath: string, shape: number[], seed: number, count = AGREEMENT_IMAGES): Promise<Agreement> {
  const images = syntheticImages(count, seed, shape);
  const reference = await topClasses(referencePath, images, count, shape);
  const candidate = await topClasses(candidatePath, images, count, shape);
  return { images: count, top1: agreementRate(reference, candidate), distinctClasses: new Set(reference).size };
}


/**
 * Rounds calibrated ranges outward to 5 significant bits (at most ~3% wider). onnxruntime's float
 * results differ in the last bits between CPUs and thread counts; coarse ranges make the int8 file
 * come out byte-identical almost always, not only on the machine that calibrated it.
 */
export function coarsenRanges(ranges: Map<string, TensorRange>): Map<string, TensorRange> {
  const out = new Map<string, TensorRange>();
  for (const [name, r] of ranges) out.set(name, { min: r.min < 0 ? -roundUp(-r.min) : r.min, max: roundUp(r.max) });
  return out;
}

/** The smallest m * 2^e >= x with an integer m < 32 (exact: only scaling by powers of two). */
function roundUp(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x > 0 ? x : 0;
  let unit = 1;
  while (x / unit >= 32) unit *= 2;
  while (x / unit < 16) unit /= 2;
  return Math.ceil(x / unit) * unit;
}

// Turns `--model` / `--reference` into a model file through the model API: an arch name is
// built on demand (cached by content); a path is read (and quantized on demand for int8).
import { ensureModel } from '../../model/resolve.js';
import { syntheticImages } from '../../model/synthetic-images.js';
import type { ModelInfo } from '../../model/types.js';
import type { Precision } from '../../agent/protocol.js';
import type { Logger } from '../log.js';
import type { ImageSource } from './accuracy.js';

export interface ResolveModelOptions {
  /** Builder seed for arch names. @default the builder's default */
  seed: number | undefined;
  log: Logger;
}

/** The default seed of synthetic evaluation images (kept apart from model seeds). */
export const SYNTHETIC_IMAGE_SEED = 1234;

/** Resolves a model name or path to a file with what is known about it (MACs, shape, sha256). */
export async function resolveModel(value: string, precision: Precision, options: ResolveModelOptions): Promise<ModelInfo> {
  return ensureModel(value, precision, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    log: (message) => options.log.info(message),
  });
}

/** `count` synthetic, already-normalized images (deterministic from the seed). */
export function syntheticSource(count: number, seed: number | undefined): ImageSource {
  return { kind: 'synthetic', count, make: (n, shape) => syntheticImages(n, seed ?? SYNTHETIC_IMAGE_SEED, shape) };
}

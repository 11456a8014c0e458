// Turns `--model` / `--reference` into a model file: built-in archs through the model builder
// (cached by content), anything else as a user's file; and the synthetic image source.
import type { Precision } from '../../agent/protocol.js';
import { syntheticImages } from '../../agent/model/synthetic-images.js';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ImageSource } from './accuracy.js';
import { isArchName, modelFile, type ModelChoice } from './model-arg.js';

export interface ResolveModelOptions {
  /** Builder seed for built-in archs. @default the builder's default */
  seed: number | undefined;
  log: Logger;
}

/** The default seed of synthetic evaluation images (kept apart from model seeds). */
export const SYNTHETIC_IMAGE_SEED = 1234;

/** Resolves a model name or path. */
export async function resolveModel(value: string, precision: Precision, options: ResolveModelOptions): Promise<ModelChoice> {
  if (!isArchName(value)) return modelFile(value, precision);
  void options;
  throw new UsageError(`built-in model '${value}' needs the model builder, which is not in this build yet`, { hint: 'pass a path to an .onnx file' });
}

/** `count` synthetic, already-normalized images (deterministic from the seed). */
export function syntheticSource(count: number, seed: number | undefined): ImageSource {
  return { kind: 'synthetic', count, make: (n, shape) => syntheticImages(n, seed ?? SYNTHETIC_IMAGE_SEED, shape) };
}

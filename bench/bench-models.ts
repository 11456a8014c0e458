// The model files the bench measures (the same files for every side-by-side pair), and the
// timing of an uncached build in a child process with its own empty cache.
import { fileURLToPath } from 'node:url';
import { ensureModel } from '../model/resolve.js';
import type { ModelInfo } from '../model/types.js';
import { runJson } from './child-json.js';

export type BenchModel = ModelInfo;

export interface BenchModelOptions {
  /** An fp32 .onnx file instead of the synthetic ResNet-50. */
  fp32: string | undefined;
  /** An int8 .onnx file instead of the quantized synthetic ResNet-50 (or the fp32 file, quantized). */
  int8: string | undefined;
  log: (message: string) => void;
}

/** The fp32 and int8 models: built (or taken from the cache) unless files are given. */
export async function benchModels(options: BenchModelOptions): Promise<{ fp32: BenchModel; int8: BenchModel }> {
  const fp32 = await ensureModel(options.fp32 ?? 'resnet50', 'fp32', { log: options.log });
  const int8 = await ensureModel(options.int8 ?? options.fp32 ?? 'resnet50', 'int8', { log: options.log });
  return { fp32, int8 };
}

const buildEntry = fileURLToPath(new URL('./build-model.js', import.meta.url));

/** Seconds to build ResNet-50 at `precision` with `cacheDir` as the model cache (a fresh process). */
export async function timeModelBuild(precision: 'fp32' | 'int8', cacheDir: string): Promise<number> {
  const result = await runJson<{ seconds: number }>(process.execPath, [buildEntry, precision], { env: { ...process.env, VHARNESS_CACHE: cacheDir }, timeoutMs: 900_000 });
  return result.seconds;
}

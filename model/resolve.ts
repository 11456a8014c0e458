// `ensureModel`: what `vharness infer`, `vharness run` and the bench call to get a model file.
// A spec is an arch name (built on demand and cached) or a path to an .onnx file (fp32; for
// int8 it is quantized on demand, cached by the file's sha256 and the quantizer options).
import { basename, resolve as resolvePath } from 'node:path';
import { stat } from 'node:fs/promises';
import { ModelFailure } from './model-failure.js';
import { architectures, isArchName } from './resnet-arch.js';
import { DEFAULT_SEED, buildModel } from './build.js';
import { readModelFile } from './onnx-file.js';
import { graphStats } from './graph-stats.js';
import { isQuantizedGraph } from './quantized-ops.js';
import { lookupModel } from './model-cache.js';
import { QUANTIZER_VERSION, quantizeToInt8 } from './quantize-file.js';
import type { ModelInfo, Precision } from './types.js';

export interface EnsureModelOptions {
  /** Builder seed for arch names. @default 1 */
  seed?: number;
  /** Progress lines for long steps (builds, calibration). */
  log?: (message: string) => void;
}

export async function ensureModel(spec: string, precision: Precision, options: EnsureModelOptions = {}): Promise<ModelInfo> {
  if (isArchName(spec)) return buildModel({ arch: spec, precision, seed: options.seed ?? DEFAULT_SEED, log: options.log });
  const path = resolvePath(spec);
  const exists = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists && !spec.endsWith('.onnx') && !spec.includes('/')) {
    throw new ModelFailure(`unknown model '${spec}': not an arch name and no such file`, { hint: `archs: ${Object.keys(architectures).join(', ')}; or pass a path to an .onnx file` });
  }
  const file = await readModelFile(path);
  const stats = graphStats(file.model, path);
  const base: ModelInfo = {
    path,
    sha256: file.sha256,
    bytes: file.bytes.length,
    arch: basename(path).replace(/\.onnx$/i, ''),
    precision: 'fp32',
    seed: null,
    params: stats.params,
    macsPerImage: stats.macsPerImage,
    inputName: stats.inputName,
    inputShape: stats.inputShape,
    classes: stats.classes,
  };
  if (isQuantizedGraph(file.model)) {
    if (precision === 'fp32') throw new ModelFailure(`${path}: the model is already quantized, not fp32`, { hint: 'use it with precision int8, or pass its fp32 source' });
    return { ...base, precision: 'int8' };
  }
  if (precision === 'fp32') return base;
  const key = `quantize|${file.sha256}|minmax|random=16|quantizer=${QUANTIZER_VERSION}`;
  return (await lookupModel(key)) ?? quantizeToInt8(base, { key, seed: DEFAULT_SEED, label: path, log: options.log });
}

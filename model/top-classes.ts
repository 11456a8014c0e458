// Top-1 classes of a model over a set of images, in onnxruntime-node: the basis of fp32/int8
// agreement and of the noise-robustness check of the synthetic nets.
import ort from '../agent/onnxruntime.js';
import { ModelFailure } from './model-failure.js';
import { fixedBatch, padBatch } from './fixed-batch.js';

export interface TopClassesOptions {
  /** Images per run. @default 10 */
  batch?: number;
  /** onnxruntime intraOpNumThreads; 0 lets onnxruntime choose. @default 0 */
  threads?: number;
}

/** The argmax class of each of `count` images (NCHW floats of per-image `shape`). */
export async function topClasses(modelPath: string, images: Float32Array, count: number, shape: number[], options: TopClassesOptions = {}): Promise<number[]> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: 'all', intraOpNumThreads: options.threads ?? 0 });
  } catch (error) {
    throw new ModelFailure(`${modelPath}: onnxruntime cannot load the model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    const per = shape.reduce((a, b) => a * b, 1);
    const fixed = fixedBatch(session);
    const batch = fixed ?? options.batch ?? 10;
    const classes: number[] = [];
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const chunk = images.subarray(start * per, (start + n) * per);
      const size = fixed ?? n;
      const input = new ort.Tensor('float32', padBatch(chunk, per, size), [size, ...shape]);
      const results = await session.run({ [session.inputNames[0]!]: input });
      const logits = results[session.outputNames[0]!]!.data as Float32Array;
      const width = logits.length / size;
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let k = 1; k < width; k++) if (logits[i * width + k]! > logits[i * width + best]!) best = k;
        classes.push(best);
      }
    }
    return classes;
  } finally {
    await session.release();
  }
}

/** Share of positions where two class lists agree. */
export function agreementRate(a: number[], b: number[]): number {
  if (a.length === 0) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

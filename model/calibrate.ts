// Activation ranges for static quantization: the fp32 model runs in onnxruntime-node with the
// tensors to quantize added as graph outputs, one image at a time. `minmax` keeps the extremes;
// `percentile` (two passes: extremes, then a histogram) clips the rare outliers at both ends.
import ort from '../agent/onnxruntime.js';
import { ModelFailure } from './model-failure.js';
import { fixedBatch, padBatch } from './fixed-batch.js';
import { encodeModel, type ModelProto } from './onnx-file.js';
import type { TensorRange } from './quantize.js';

export const CalibrationMethod = { minmax: 'minmax', percentile: 'percentile' } as const;
export type CalibrationMethod = (typeof CalibrationMethod)[keyof typeof CalibrationMethod];

export interface CalibrateOptions {
  method: CalibrationMethod;
  /** Kept share of values for `percentile`, e.g. 99.99. @default 99.99 */
  percentile?: number;
  /** Progress lines. */
  log?: (message: string) => void;
}

const BINS = 4096;

/** Ranges of `tensors` over `images` (count x C x H x W floats, NCHW). */
export async function calibrate(model: ModelProto, label: string, tensors: string[], images: Float32Array, count: number, options: CalibrateOptions): Promise<Map<string, TensorRange>> {
  if (count < 1) throw new ModelFailure(`${label}: calibration needs at least one image`);
  const graph = model.graph!;
  const existing = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const extra = tensors.filter((t) => !existing.has(t));
  const probe = Object.assign(Object.create(Object.getPrototypeOf(model)) as ModelProto, model, {
    graph: { ...graph, output: [...(graph.output ?? []), ...extra.map((name) => ({ name, type: { tensorType: { elemType: 1 } } }))] },
  });
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(probe), { graphOptimizationLevel: 'basic' });
  } catch (error) {
    throw new ModelFailure(`${label}: onnxruntime cannot load the model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    const inputName = session.inputNames[0]!;
    const per = images.length / count;
    const dims = inferDims(model, per);
    const log = options.log ?? (() => {});
    const run = async (visit: (name: string, values: Float32Array) => void, pass: string): Promise<void> => {
      for (let i = 0; i < count; i++) {
        log(`calibration ${pass}: image ${i + 1}/${count}`);
        const size = fixedBatch(session) ?? 1;
        const input = new ort.Tensor('float32', padBatch(images.subarray(i * per, (i + 1) * per), per, size), [size, ...dims]);
        const results = await session.run({ [inputName]: input }, tensors);
        for (const name of tensors) {
          const t = results[name];
          if (t && t.type === 'float32') visit(name, t.data as Float32Array);
        }
      }
    };
    const ranges = new Map<string, TensorRange>(tensors.map((t) => [t, { min: Infinity, max: -Infinity }]));
    await run((name, values) => {
      const r = ranges.get(name)!;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (v < r.min) r.min = v;
        if (v > r.max) r.max = v;
      }
    }, 'ranges');
    if (options.method === 'minmax') return ranges;
    const keep = (options.percentile ?? 99.99) / 100;
    const histograms = new Map(tensors.map((t) => [t, { counts: new Float64Array(BINS), total: 0 }]));
    await run((name, values) => {
      const r = ranges.get(name)!;
      const h = histograms.get(name)!;
      const width = (r.max - r.min) / BINS || 1;
      for (let i = 0; i < values.length; i++) {
        const bin = Math.min(BINS - 1, Math.floor((values[i]! - r.min) / width));
        h.counts[bin]!++;
      }
      h.total += values.length;
    }, 'histogram');
    const clipped = new Map<string, TensorRange>();
    for (const name of tensors) {
      const r = ranges.get(name)!;
      const h = histograms.get(name)!;
      const width = (r.max - r.min) / BINS;
      const tail = ((1 - keep) / 2) * h.total;
      let lo = 0;
      for (let acc = 0; lo < BINS - 1 && acc + h.counts[lo]! <= tail; lo++) acc += h.counts[lo]!;
      let hi = BINS - 1;
      for (let acc = 0; hi > 0 && acc + h.counts[hi]! <= tail; hi--) acc += h.counts[hi]!;
      clipped.set(name, { min: r.min + lo * width, max: r.min + (hi + 1) * width });
    }
    return clipped;
  } finally {
    await session.release();
  }
}

function inferDims(model: ModelProto, per: number): number[] {
  const graph = model.graph!;
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const input = (graph.input ?? []).find((i) => !inits.has(i.name));
  const dims = (input?.type?.tensorType?.shape?.dim ?? []).slice(1).map((d) => Number(d.dimValue ?? 0));
  return dims.reduce((a, b) => a * b, 1) === per ? dims : [per];
}

// Models exported with a fixed batch size (often 1) refuse other batch sizes; this reads it.
import type ort from 'onnxruntime-node';

/** The fixed batch dimension of the session's first input, or undefined when it is dynamic. */
export function fixedBatch(session: ort.InferenceSession): number | undefined {
  const meta = session.inputMetadata[0];
  if (!meta || !meta.isTensor) return undefined;
  const first = meta.shape[0];
  return typeof first === 'number' && first > 0 ? first : undefined;
}

/** `images` (count x per floats) as a batch of exactly `size`, padding with copies of the last image. */
export function padBatch(images: Float32Array, per: number, size: number): Float32Array {
  const count = images.length / per;
  if (count === size) return images;
  const out = new Float32Array(size * per);
  out.set(images.subarray(0, Math.min(count, size) * per));
  for (let i = count; i < size; i++) out.set(images.subarray((count - 1) * per, count * per), i * per);
  return out;
}

// Deterministic, already-normalized images for calibration and fp32/int8 agreement checks when
// no dataset is given. Each image mixes smooth large-scale structure (bilinear upsampling of coarse
// random grids, like shapes and shading) with fine texture, so a classifier's answer depends on the
// image as a whole and is not washed out by global average pooling. Image k depends only on
// (seed, k), and its coarse structure is the same at every resolution.
import { Prng } from './prng.js';

const SQRT3 = 1.7320508075688772;

/** Layers of structure: grid points per side and amplitude (in normalized units). */
const layers = [
  { grid: 3, shared: 0.9, perChannel: 0.45 },
  { grid: 7, shared: 0.6, perChannel: 0.3 },
  { grid: 15, shared: 0.35, perChannel: 0.2 },
] as const;
const fineAmplitude = 0.25;

/** `count` images of `shape` ([C, H, W]) in NCHW order: count * C * H * W floats. */
export function syntheticImages(count: number, seed: number, shape: number[]): Float32Array {
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new RangeError(`Expected an image shape [C, H, W] of positive integers, got ${JSON.stringify(shape)}`);
  }
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`Expected a non-negative integer image count, got ${count}`);
  const [c, h, w] = shape as [number, number, number];
  const plane = h * w;
  const out = new Float32Array(count * c * plane);
  const acc = new Float64Array(plane);
  for (let k = 0; k < count; k++) {
    const prng = new Prng(seed, `image-${k}`);
    const grids = layers.map((layer) => ({
      layer,
      shared: randomGrid(prng, layer.grid),
      channels: Array.from({ length: c }, () => randomGrid(prng, layer.grid)),
    }));
    const offsets = Array.from({ length: c }, () => prng.symmetric() * 0.5);
    for (let ch = 0; ch < c; ch++) {
      acc.fill(offsets[ch] ?? 0);
      for (const g of grids) {
        addBilinear(acc, g.shared, g.layer.grid, h, w, g.layer.shared);
        addBilinear(acc, g.channels[ch] ?? g.shared, g.layer.grid, h, w, g.layer.perChannel);
      }
      const base = (k * c + ch) * plane;
      for (let i = 0; i < plane; i++) out[base + i] = acc[i]! + prng.symmetric() * SQRT3 * fineAmplitude;
    }
  }
  return out;
}

function randomGrid(prng: Prng, n: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < g.length; i++) g[i] = prng.symmetric() * SQRT3;
  return g;
}

/** acc += amplitude * bilinear upsampling of an n x n grid to h x w (corners aligned). */
function addBilinear(acc: Float64Array, grid: Float64Array, n: number, h: number, w: number, amplitude: number): void {
  for (let y = 0; y < h; y++) {
    const gy = h === 1 ? 0 : (y * (n - 1)) / (h - 1);
    const y0 = Math.min(Math.floor(gy), n - 2);
    const fy = gy - y0;
    for (let x = 0; x < w; x++) {
      const gx = w === 1 ? 0 : (x * (n - 1)) / (w - 1);
      const x0 = Math.min(Math.floor(gx), n - 2);
      const fx = gx - x0;
      const top = grid[y0 * n + x0]! * (1 - fx) + grid[y0 * n + x0 + 1]! * fx;
      const bottom = grid[(y0 + 1) * n + x0]! * (1 - fx) + grid[(y0 + 1) * n + x0 + 1]! * fx;
      acc[y * w + x]! += amplitude * (top * (1 - fy) + bottom * fy);
    }
  }
}

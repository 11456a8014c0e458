// Deterministic, already-normalized images for calibration and fp32/int8 agreement checks when
// no dataset is given. Each image mixes smooth large-scale structure (bilinear upsampling of coarse

import { Prng } from './prng.js';

const SQRT3 = 1.7320508075688772;

/** Layers of structure: cell size in pixels of a random grid, and base amplitude (normalized units). */
const layers = [
  { cell: 16, amplitude: 0.8 },
  { cell: 8, amplitude: 0.6 },
  { cell: 4, amplitude: 0.45 },
] as const;
const fineAmplitude = 0.25;
/** Per-image colour offsets are uniform in [-OFFSET, OFFSET]. */
const OFFSET = 1.2;
/** Per-image strength of each layer of structure: base amplitude x [AMP_LO, AMP_LO + AMP_SPAN). */
const AMP_LO = 0.6;
const AMP_SPAN = 0.8;

/**
 * `count` images of `shape` ([C, H, W]) in NCHW order: count * C * H * W floats. Each image has
 * its own "style" (colour offsets, how strong each scale of structure is, how much of it is
 * shared by the channels), so images differ globally, not only in where things are.
 */
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
    const style = layers.map((layer) => ({
      layer,
      amplitude: layer.amplitude * (AMP_LO + AMP_SPAN * prng.uniform()),
      shared: prng.uniform(),
    }));
    const fine = fineAmplitude * (0.4 + 1.2 * prng.uniform());
    const grids = style.map((st) => {
      const ny = Math.floor((h - 1) / st.layer.cell) + 2;
      const nx = Math.floor((w - 1) / st.layer.cell) + 2;
      return {
        st,
        ny,
        nx,
        shared: randomGrid(prng, ny * nx),
        channels: Array.from({ length: c }, () => randomGrid(prng, ny * nx)),
      };
    });
    const offsets = Array.from({ length: c }, () => prng.symmetric() * OFFSET);
    for (let ch = 0; ch < c; ch++) {
      acc.fill(offsets[ch] ?? 0);
      for (const g of grids) {
        addBilinear(acc, g.shared, g.nx, g.st.layer.cell, h, w, g.st.amplitude * g.st.shared);
        addBilinear(acc, g.channels[ch] ?? g.shared, g.nx, g.st.layer.cell, h, w, g.st.amplitude * (1 - g.st.shared));
      }
      const base = (k * c + ch) * plane;
      for (let i = 0; i < plane; i++) out[base + i] = acc[i]! + prng.symmetric() * SQRT3 * fine;
    }
  }
  return out;
}

function randomGrid(prng: Prng, size: number): Float64Array {
  const g = new Float64Array(size);
  for (let i = 0; i < g.length; i++) g[i] = prng.symmetric() * SQRT3;
  return g;
}

/** acc += amplitude * bilinear interpolation of a grid (`nx` points per row) with `cell` pixels between points. */
function addBilinear(acc: Float64Array, grid: Float64Array, nx: number, cell: number, h: number, w: number, amplitude: number): void {
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y / cell);
    const fy = (y - y0 * cell) / cell;
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x / cell);
      const fx = (x - x0 * cell) / cell;
      const i = y0 * nx + x0;
      const top = grid[i]! * (1 - fx) + grid[i + 1]! * fx;
      const bottom = grid[i + nx]! * (1 - fx) + grid[i + nx + 1]! * fx;
      acc[y * w + x]! += amplitude * (top * (1 - fy) + bottom * fy);
    }
  }
}

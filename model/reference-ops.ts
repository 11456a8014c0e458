// Plain-JS float64 versions of the few CNN ops the synthetic builder needs to run its probe images
// through the net while it is being built (to set folded-BatchNorm scales from real statistics).
// Loops run in a fixed order with IEEE double arithmetic, so results are bit-identical everywhere.
// Layout is channel-major (C, N, H, W) so a 1x1 convolution is long contiguous multiply-adds.

/** A batch of feature maps: `c` channels of `n` images of `h` x `w`, stored C,N,H,W. */
export interface FeatureMaps {
  n: number;
  c: number;
  h: number;
  w: number;
  data: Float64Array;
}

export function featureMaps(n: number, c: number, h: number, w: number, data?: Float64Array): FeatureMaps {
  return { n, c, h, w, data: data ?? new Float64Array(n * c * h * w) };
}

/** Converts N,C,H,W floats (as models take them) to channel-major maps. */
export function fromNchw(values: Float32Array, n: number, c: number, h: number, w: number): FeatureMaps {
  const out = featureMaps(n, c, h, w);
  const plane = h * w;
  for (let img = 0; img < n; img++) {
    for (let ch = 0; ch < c; ch++) {
      const src = (img * c + ch) * plane;
      const dst = (ch * n + img) * plane;
      for (let i = 0; i < plane; i++) out.data[dst + i] = values[src + i]!;
    }
  }
  return out;
}

/**
 * Convolution without bias; `weight` is [outC, inC, k, k]. `wrap` pads by wrapping around
 * (periodic maps), which gives the statistics of a map's interior even for small maps.
 */
export function conv2d(x: FeatureMaps, weight: Float32Array, outC: number, k: number, stride: number, pad: number, wrap = false): FeatureMaps {
  const oh = Math.floor((x.h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((x.w + 2 * pad - k) / stride) + 1;
  const out = featureMaps(x.n, outC, oh, ow);
  const cols = k === 1 && stride === 1 && pad === 0 ? x.data : im2col(x, k, stride, pad, oh, ow, wrap);
  matmulAccumulate(weight, outC, x.c * k * k, cols, x.n * oh * ow, out.data);
  return out;
}

/** Rows (inC, ky, kx) of the input values each output position sees; zero (or wrapped) outside. */
function im2col(x: FeatureMaps, k: number, stride: number, pad: number, oh: number, ow: number, wrap: boolean): Float64Array {
  const positions = x.n * oh * ow;
  const cols = new Float64Array(x.c * k * k * positions);
  const inChan = x.n * x.h * x.w;
  for (let i = 0; i < x.c; i++) {
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const rowBase = ((i * k + ky) * k + kx) * positions;
        if (wrap) {
          for (let img = 0; img < x.n; img++) {
            const inBase = i * inChan + img * x.h * x.w;
            for (let oy = 0; oy < oh; oy++) {
              const iy = (((oy * stride + ky - pad) % x.h) + x.h) % x.h;
              const dst = rowBase + (img * oh + oy) * ow;
              for (let ox = 0; ox < ow; ox++) cols[dst + ox] = x.data[inBase + iy * x.w + ((((ox * stride + kx - pad) % x.w) + x.w) % x.w)]!;
            }
          }
          continue;
        }
        const oxStart = Math.max(0, Math.ceil((pad - kx) / stride));
        const oxEnd = Math.min(ow, Math.floor((x.w - 1 + pad - kx) / stride) + 1);
        for (let img = 0; img < x.n; img++) {
          const inBase = i * inChan + img * x.h * x.w + kx - pad;
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * stride + ky - pad;
            if (iy < 0 || iy >= x.h) continue;
            const src = inBase + iy * x.w;
            const dst = rowBase + (img * oh + oy) * ow;
            for (let ox = oxStart; ox < oxEnd; ox++) cols[dst + ox] = x.data[src + ox * stride]!;
          }
        }
      }
    }
  }
  return cols;
}

/** out[o][p] += sum_j weight[o][j] * cols[j][p], four rows of `cols` per pass over `out`. */
function matmulAccumulate(weight: Float32Array, rows: number, depth: number, cols: Float64Array, positions: number, out: Float64Array): void {
  for (let o = 0; o < rows; o++) {
    const ob = o * positions;
    const wb = o * depth;
    let j = 0;
    for (; j + 4 <= depth; j += 4) {
      const w0 = weight[wb + j]!;
      const w1 = weight[wb + j + 1]!;
      const w2 = weight[wb + j + 2]!;
      const w3 = weight[wb + j + 3]!;
      const c0 = j * positions;
      const c1 = c0 + positions;
      const c2 = c1 + positions;
      const c3 = c2 + positions;
      for (let p = 0; p < positions; p++) {
        out[ob + p]! += w0 * cols[c0 + p]! + w1 * cols[c1 + p]! + w2 * cols[c2 + p]! + w3 * cols[c3 + p]!;
      }
    }
    for (; j < depth; j++) {
      const wv = weight[wb + j]!;
      const cb = j * positions;
      for (let p = 0; p < positions; p++) out[ob + p]! += wv * cols[cb + p]!;
    }
  }
}

/** Max pooling with -infinity padding (ONNX MaxPool semantics). */
export function maxPool(x: FeatureMaps, k: number, stride: number, pad: number): FeatureMaps {
  const oh = Math.floor((x.h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((x.w + 2 * pad - k) / stride) + 1;
  const out = featureMaps(x.n, x.c, oh, ow);
  for (let p = 0; p < x.n * x.c; p++) {
    const inBase = p * x.h * x.w;
    const outBase = p * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let m = -Infinity;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * stride + ky - pad;
          if (iy < 0 || iy >= x.h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * stride + kx - pad;
            if (ix < 0 || ix >= x.w) continue;
            const v = x.data[inBase + iy * x.w + ix]!;
            if (v > m) m = v;
          }
        }
        out.data[outBase + oy * ow + ox] = m;
      }
    }
  }
  return out;
}

export function reluInPlace(x: FeatureMaps): FeatureMaps {
  const d = x.data;
  for (let i = 0; i < d.length; i++) if (d[i]! < 0) d[i] = 0;
  return x;
}

export function addInPlace(x: FeatureMaps, y: FeatureMaps): FeatureMaps {
  for (let i = 0; i < x.data.length; i++) x.data[i]! += y.data[i]!;
  return x;
}

/** Global average pooling: features as [n][c] (image-major). */
export function globalAveragePool(x: FeatureMaps): Float64Array {
  const plane = x.h * x.w;
  const out = new Float64Array(x.n * x.c);
  for (let ch = 0; ch < x.c; ch++) {
    for (let img = 0; img < x.n; img++) {
      let s = 0;
      const base = (ch * x.n + img) * plane;
      for (let i = 0; i < plane; i++) s += x.data[base + i]!;
      out[img * x.c + ch] = s / plane;
    }
  }
  return out;
}

/** Per-channel mean and standard deviation over images and positions. */
export function channelStats(x: FeatureMaps): { mean: Float64Array; std: Float64Array } {
  const count = x.n * x.h * x.w;
  const mean = new Float64Array(x.c);
  const std = new Float64Array(x.c);
  for (let ch = 0; ch < x.c; ch++) {
    let s = 0;
    let s2 = 0;
    const base = ch * count;
    for (let i = 0; i < count; i++) {
      const v = x.data[base + i]!;
      s += v;
      s2 += v * v;
    }
    const m = s / count;
    mean[ch] = m;
    std[ch] = Math.sqrt(Math.max(0, s2 / count - m * m));
  }
  return { mean, std };
}

/** y = (x - mean) * scale per channel, in place. */
export function normalizeInPlace(x: FeatureMaps, mean: Float64Array, scale: Float64Array): FeatureMaps {
  const count = x.n * x.h * x.w;
  for (let ch = 0; ch < x.c; ch++) {
    const base = ch * count;
    const m = mean[ch]!;
    const s = scale[ch]!;
    for (let i = 0; i < count; i++) x.data[base + i] = (x.data[base + i]! - m) * s;
  }
  return x;
}

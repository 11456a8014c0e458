// The standard ImageNet preprocessing: resize the shorter side to 256 (scaled for other crop
// sizes), center-crop 224, scale to [0, 1], normalize with the ImageNet mean and std, CHW order.
import type { RgbaImage } from './decode-image.js';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** The shorter side to resize to before cropping `crop` (256 for 224, as in torchvision's recipe). */
export function resizeSideFor(crop: number): number {
  return Math.round((crop * 256) / 224);
}

/** Resampling weights of a triangle (bilinear) filter widened when shrinking, as PIL does. */
function filterWeights(inSize: number, outSize: number): { first: number[]; weights: Float64Array[] } {
  const scale = inSize / outSize;
  const support = Math.max(1, scale);
  const first: number[] = [];
  const weights: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inSize, Math.ceil(center + support));
    const w = new Float64Array(hi - lo);
    let sum = 0;
    for (let i = lo; i < hi; i++) {
      const x = (i + 0.5 - center) / support;
      const v = Math.max(0, 1 - Math.abs(x));
      w[i - lo] = v;
      sum += v;
    }
    if (sum > 0) for (let k = 0; k < w.length; k++) w[k] = (w[k] as number) / sum;
    first.push(lo);
    weights.push(w);
  }
  return { first, weights };
}

/** Resizes 3-channel float planes (HWC) with a separable triangle filter. */
function resizeRgb(src: Float64Array, width: number, height: number, outWidth: number, outHeight: number): Float64Array {
  const horizontal = filterWeights(width, outWidth);
  const tmp = new Float64Array(outWidth * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      const lo = horizontal.first[x] as number;
      const w = horizontal.weights[x] as Float64Array;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < w.length; k++) {
        const i = (y * width + lo + k) * 3;
        const wk = w[k] as number;
        r += (src[i] as number) * wk;
        g += (src[i + 1] as number) * wk;
        b += (src[i + 2] as number) * wk;
      }
      const o = (y * outWidth + x) * 3;
      tmp[o] = r;
      tmp[o + 1] = g;
      tmp[o + 2] = b;
    }
  }
  const vertical = filterWeights(height, outHeight);
  const out = new Float64Array(outWidth * outHeight * 3);
  for (let y = 0; y < outHeight; y++) {
    const lo = vertical.first[y] as number;
    const w = vertical.weights[y] as Float64Array;
    for (let x = 0; x < outWidth; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < w.length; k++) {
        const i = ((lo + k) * outWidth + x) * 3;
        const wk = w[k] as number;
        r += (tmp[i] as number) * wk;
        g += (tmp[i + 1] as number) * wk;
        b += (tmp[i + 2] as number) * wk;
      }
      const o = (y * outWidth + x) * 3;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return out;
}

/**
 * Turns an RGBA image into a normalized CHW float image of `cropHeight` x `cropWidth`, written
 * into `out` at `offset` (so a batch is filled without copies). Alpha is ignored.
 */
export function preprocessImage(image: RgbaImage, cropHeight: number, cropWidth: number, out: Float32Array, offset = 0): void {
  const { width, height, data } = image;
  const side = resizeSideFor(Math.min(cropHeight, cropWidth));
  const scale = side / Math.min(width, height);
  const outWidth = Math.max(cropWidth, Math.round(width * scale));
  const outHeight = Math.max(cropHeight, Math.round(height * scale));
  const rgb = new Float64Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    rgb[p * 3] = data[p * 4] as number;
    rgb[p * 3 + 1] = data[p * 4 + 1] as number;
    rgb[p * 3 + 2] = data[p * 4 + 2] as number;
  }
  const resized = resizeRgb(rgb, width, height, outWidth, outHeight);
  const top = Math.round((outHeight - cropHeight) / 2);
  const left = Math.round((outWidth - cropWidth) / 2);
  const plane = cropHeight * cropWidth;
  for (let c = 0; c < 3; c++) {
    const mean = IMAGENET_MEAN[c] as number;
    const std = IMAGENET_STD[c] as number;
    for (let y = 0; y < cropHeight; y++) {
      for (let x = 0; x < cropWidth; x++) {
        const v = resized[((top + y) * outWidth + left + x) * 3 + c] as number;
        out[offset + c * plane + y * cropWidth + x] = (v / 255 - mean) / std;
      }
    }
  }
}

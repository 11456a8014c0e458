// Builds a synthetic ResNet (v1.5 bottlenecks, BatchNorm folded into Conv) as ONNX bytes.
// Weights come from the seeded PRNG: 1x1 convs He-uniform; spatial convs smooth (a random weight
// times a tent blur, plus a little white noise), which keeps the net well-conditioned: pixel noise
// and quantization noise are damped instead of amplified through 50 layers. Each conv's folded
// BatchNorm scale and shift are set from statistics of probe images (crops of full-size synthetic
// images) pushed through the net in plain JS, as BN does with batch statistics, so activations stay
// near unit scale and logits in a realistic range instead of exploding. Residual branches end with
// a small gain, as trained ResNets do. The head standardizes the pooled features, removes their
// mean direction, and reads only the directions in which probe images differ, so the top-1 class
// depends on the image (not one class for all) and ignores noise in the other directions.
// Everything is double arithmetic in a fixed order, then rounded to float32: same seed, same bytes.
import { Prng } from './prng.js';
import { syntheticImages } from './synthetic-images.js';
import type { ResnetArch } from './resnet-arch.js';
import { GraphWriter, batchedValueInfo } from './graph-writer.js';
import { encodeModel } from './onnx-file.js';
import { floatTensor } from './tensor-data.js';
import {
  type FeatureMaps,
  addInPlace,
  channelStats,
  conv2d,
  featureMaps,
  globalAveragePool,
  maxPool,
  normalizeInPlace,
  reluInPlace,
} from './reference-ops.js';

/** Bumped whenever the bytes a seed produces change; part of the cache key. */
export const BUILDER_VERSION = 3;

/** Folded-BN gain of the last conv of a residual branch (trained nets keep these small). */
const RESIDUAL_GAIN = 0.15;
/** White-noise share of the smooth spatial filters (stem, 3x3 convs). */
const WHITE_SHARE = 0.1;
/** Standard deviation of the logits over the probe images. */
const LOGIT_STD = 4;

export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'logits';

/** A tensor being built: its graph name and its probe activations. */
interface Flow {
  name: string;
  maps: FeatureMaps;
}

export interface BuildResnetOptions {
  seed: number;
  /** Progress lines for long steps. */
  log?: (message: string) => void;
  /**
   * Skip the probe (weights stay plain He-uniform): the same graph, shapes and parameter count in
   * a fraction of the time, for tests of the structure. Not a usable classifier. @default false
   */
  structureOnly?: boolean;
}

/** Probe-image seed, apart from calibration and evaluation images of the same seed. */
export function probeSeed(seed: number): number {
  return (seed ^ 0x70726f62) >>> 0;
}

export function buildResnet(arch: ResnetArch, options: BuildResnetOptions): Uint8Array {
  const log = options.log ?? (() => {});
  const prng = new Prng(options.seed, `${arch.name}-weights`);
  const g = new GraphWriter();
  let x: Flow = { name: INPUT_NAME, maps: options.structureOnly ? featureMaps(1, arch.inputShape[0], 1, 1) : probeImages(arch, options.seed) };

  const conv = (prefix: string, input: Flow, outC: number, k: number, stride: number, gain: number, smooth = false): Flow => {
    const fanIn = input.maps.c * k * k;
    const blur = !smooth && k > 1;
    const weight = smooth ? smoothFilters(prng, outC, input.maps.c, k) : blur ? blurFilters(prng, outC, input.maps.c, k) : new Float32Array(outC * fanIn);
    if (!smooth && !blur) {
      const bound = Math.sqrt(6 / fanIn);
      for (let i = 0; i < weight.length; i++) weight[i] = prng.symmetric() * bound;
    }
    const pad = Math.floor(k / 2);
    const maps = conv2d(input.maps, weight, outC, k, stride, pad, true);
    const { mean, std } = channelStats(maps);
    const scale = new Float64Array(outC);
    const bias = new Float32Array(outC);
    for (let o = 0; o < outC; o++) {
      const s = std[o]! > 1e-12 ? gain / std[o]! : 1;
      scale[o] = s;
      bias[o] = -mean[o]! * s;
      for (let j = o * fanIn; j < (o + 1) * fanIn; j++) weight[j] = weight[j]! * s;
    }
    normalizeInPlace(maps, mean, scale);
    const w = g.initializer(floatTensor(`${prefix}.weight`, [outC, input.maps.c, k, k], weight));
    const b = g.initializer(floatTensor(`${prefix}.bias`, [outC], bias));
    const out = `${prefix}.out`;
    g.node('Conv', [input.name, w, b], [out], prefix, {
      dilations: [1, 1],
      group: 1,
      kernel_shape: [k, k],
      pads: [pad, pad, pad, pad],
      strides: [stride, stride],
    });
    return { name: out, maps };
  };
  const relu = (prefix: string, input: Flow): Flow => {
    const out = `${prefix}.relu`;
    g.node('Relu', [input.name], [out], `${prefix}.relu`);
    return { name: out, maps: reluInPlace(input.maps) };
  };

  log(`${arch.name}: stem`);
  x = relu('stem', conv('stem.conv', x, arch.stem.channels, arch.stem.kernel, arch.stem.stride, 1, true));
  g.node('MaxPool', [x.name], ['stem.pool'], 'stem.pool', { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] });
  x = { name: 'stem.pool', maps: maxPool(x.maps, 3, 2, 1) };

  arch.stages.forEach((stage, s) => {
    log(`${arch.name}: stage ${s + 1}/${arch.stages.length}`);
    for (let b = 0; b < stage.blocks; b++) {
      const p = `layer${s + 1}.${b}`;
      const stride = b === 0 ? stage.stride : 1;
      const outC = stage.width * arch.expansion;
      let y = relu(`${p}.conv1`, conv(`${p}.conv1`, x, stage.width, 1, 1, 1));
      y = relu(`${p}.conv2`, conv(`${p}.conv2`, y, stage.width, 3, stride, 1));
      y = conv(`${p}.conv3`, y, outC, 1, 1, RESIDUAL_GAIN);
      const shortcut = stride !== 1 || x.maps.c !== outC ? conv(`${p}.downsample`, x, outC, 1, stride, 1) : x;
      g.node('Add', [y.name, shortcut.name], [`${p}.add`], `${p}.add`);
      x = relu(p, { name: `${p}.add`, maps: addInPlace(y.maps, shortcut.maps) });
    }
  });

  log(`${arch.name}: head`);
  g.node('GlobalAveragePool', [x.name], ['pool'], 'pool');
  g.node('Flatten', ['pool'], ['flatten'], 'flatten', { axis: 1 });
  const { weight, bias } = head(prng, x.maps, arch.classes);
  const w = g.initializer(floatTensor('fc.weight', [arch.classes, x.maps.c], weight));
  const b = g.initializer(floatTensor('fc.bias', [arch.classes], bias));
  g.node('Gemm', ['flatten', w, b], [OUTPUT_NAME], 'fc', { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 });

  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'vharness',
    producerVersion: `synthetic-resnet/${BUILDER_VERSION}`,
    docString: `synthetic ${arch.name}, seed ${options.seed}, BatchNorm folded`,
    graph: {
      name: arch.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [batchedValueInfo(INPUT_NAME, arch.inputShape)],
      output: [batchedValueInfo(OUTPUT_NAME, [arch.classes])],
    },
  });
}

/**
 * Stem filters that are smooth in space (bilinear upsampling of a random 3 x 3 grid per input
 * channel, plus a little white noise), like the colour blobs and edges of trained stems: they
 * pass image structure and damp pixel-level noise. Scale is irrelevant (set by normalization).
 */
function smoothFilters(prng: Prng, outC: number, inC: number, k: number): Float32Array {
  const weight = new Float32Array(outC * inC * k * k);
  const n = 3;
  for (let f = 0; f < outC * inC; f++) {
    const grid = Array.from({ length: n * n }, () => prng.symmetric());
    for (let y = 0; y < k; y++) {
      const gy = k === 1 ? 0 : (y * (n - 1)) / (k - 1);
      const y0 = Math.min(Math.floor(gy), n - 2);
      const fy = gy - y0;
      for (let x = 0; x < k; x++) {
        const gx = k === 1 ? 0 : (x * (n - 1)) / (k - 1);
        const x0 = Math.min(Math.floor(gx), n - 2);
        const fx = gx - x0;
        const top = grid[y0 * n + x0]! * (1 - fx) + grid[y0 * n + x0 + 1]! * fx;
        const bottom = grid[(y0 + 1) * n + x0]! * (1 - fx) + grid[(y0 + 1) * n + x0 + 1]! * fx;
        weight[(f * k + y) * k + x] = top * (1 - fy) + bottom * fy + prng.symmetric() * WHITE_SHARE;
      }
    }
  }
  return weight;
}

/**
 * Spatial filters that are a tent blur times a random weight per (output, input) channel pair,
 * plus a little white noise: spatial mixing that damps pixel-level (and quantization) noise.
 */
function blurFilters(prng: Prng, outC: number, inC: number, k: number): Float32Array {
  const weight = new Float32Array(outC * inC * k * k);
  const r = (k + 1) / 2;
  const tent = Array.from({ length: k }, (_, i) => 1 - Math.abs(i - (k - 1) / 2) / r);
  for (let f = 0; f < outC * inC; f++) {
    const a = prng.symmetric();
    for (let y = 0; y < k; y++) {
      for (let x = 0; x < k; x++) weight[(f * k + y) * k + x] = a * tent[y]! * tent[x]! + prng.symmetric() * WHITE_SHARE;
    }
  }
  return weight;
}

/**
 * Probe images: crops of full-size synthetic images, so that local statistics (what BatchNorm
 * sees) match full-size inputs while the JS forward pass stays small.
 */
function probeImages(arch: ResnetArch, seed: number): FeatureMaps {
  const [c, h, w] = arch.inputShape;
  const { images: n, size } = arch.probe;
  const full = syntheticImages(n, probeSeed(seed), [c, h, w]);
  const prng = new Prng(seed, 'probe-crops');
  const maps = featureMaps(n, c, size, size);
  for (let img = 0; img < n; img++) {
    const top = Math.floor(prng.uniform() * (h - size + 1));
    const left = Math.floor(prng.uniform() * (w - size + 1));
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < size; y++) {
        const src = ((img * c + ch) * h + top + y) * w + left;
        const dst = ((ch * n + img) * size + y) * size;
        for (let x = 0; x < size; x++) maps.data[dst + x] = full[src + x]!;
      }
    }
  }
  return maps;
}

/**
 * Classifier head over the pooled features, built from the probe images (see below), with the
 * mean feature direction removed and the logits scaled to a realistic range.
 */
function head(prng: Prng, maps: FeatureMaps, classes: number): { weight: Float32Array; bias: Float32Array } {
  const c = maps.c;
  const { mean, std } = channelStats(maps);
  let meanSd = 0;
  for (let ch = 0; ch < c; ch++) meanSd += std[ch]! / c;
  // Regularized: a channel that barely varied over the probe must not get a huge weight.
  const inv = std.map((v) => 1 / Math.sqrt(v * v + 0.25 * meanSd * meanSd + 1e-12));
  const raw = new Float64Array(classes * c);
  const features = globalAveragePool(maps);
  const n = maps.n;
  // Each class is a random mix of the probe images' (standardized) deviations from the mean
  // feature: logits live in the subspace where images differ and ignore the other directions,
  // where only noise (input noise, quantization error) lives. Like a trained head, which reads
  // the few directions that separate classes.
  for (let k = 0; k < classes; k++) {
    for (let j = 0; j < n; j++) {
      const r = prng.symmetric();
      for (let ch = 0; ch < c; ch++) raw[k * c + ch]! += r * (features[j * c + ch]! - mean[ch]!) * inv[ch]! * inv[ch]!;
    }
  }
  const rawBias = new Float64Array(classes);
  for (let k = 0; k < classes; k++) {
    let s = 0;
    for (let ch = 0; ch < c; ch++) s -= raw[k * c + ch]! * mean[ch]!;
    rawBias[k] = s;
  }
  // Remove each class's component along the mean feature: a global scale mismatch between the
  // probe and full-size images must not turn into an image-independent logit offset.
  let norm2 = 0;
  for (let ch = 0; ch < c; ch++) norm2 += mean[ch]! * mean[ch]!;
  if (norm2 > 1e-24) {
    for (let k = 0; k < classes; k++) {
      let dot = 0;
      for (let ch = 0; ch < c; ch++) dot += raw[k * c + ch]! * mean[ch]!;
      const f = dot / norm2;
      for (let ch = 0; ch < c; ch++) raw[k * c + ch] = raw[k * c + ch]! - f * mean[ch]!;
      rawBias[k] = 0;
    }
  }
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < classes; k++) {
      let z = rawBias[k]!;
      for (let ch = 0; ch < c; ch++) z += raw[k * c + ch]! * features[i * c + ch]!;
      s2 += z * z;
    }
  }
  const rms = Math.sqrt(s2 / (n * classes));
  const scale = rms > 1e-12 ? LOGIT_STD / rms : 1;
  return { weight: Float32Array.from(raw, (v) => v * scale), bias: Float32Array.from(rawBias, (v) => v * scale) };
}

// How robust a model's answers are to input noise below one 8-bit step: the share of synthetic
// images whose top-1 class survives adding uniform noise of at most half a step (1/255 of the
// pixel range, before ImageNet normalization) either way. A well-conditioned synthetic net keeps
// >= 99%; only then does int8 agreement measure the quantizer rather than the net's chaos.
import { Prng } from './prng.js';
import { syntheticImages } from './synthetic-images.js';
import { agreementRate, topClasses } from './top-classes.js';

/** Per-channel ImageNet std: one 8-bit step in normalized units is (1/255) / std. */
const PIXEL_STD = [0.229, 0.224, 0.225] as const;

export interface NoiseAgreement {
  images: number;
  /** Share of images whose top-1 class is unchanged by the noise. */
  top1: number;
  /** Largest noise added, in 8-bit steps (peak to peak). */
  steps: number;
}

export async function noiseAgreement(modelPath: string, shape: number[], seed: number, count = 100): Promise<NoiseAgreement> {
  const clean = syntheticImages(count, seed, shape);
  const noisy = Float32Array.from(clean);
  const prng = new Prng(seed, 'input-noise');
  const plane = (shape[1] ?? 1) * (shape[2] ?? 1);
  const channels = shape[0] ?? 1;
  for (let i = 0; i < noisy.length; i++) {
    const channel = Math.floor(i / plane) % channels;
    const step = 1 / 255 / (PIXEL_STD[channel] ?? 0.226);
    noisy[i] = noisy[i]! + (prng.uniform() - 0.5) * step;
  }
  const a = await topClasses(modelPath, clean, count, shape);
  const b = await topClasses(modelPath, noisy, count, shape);
  return { images: count, top1: agreementRate(a, b), steps: 1 };
}

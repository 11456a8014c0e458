// Calibration images from a folder (searched recursively, sorted, the first `count` JPEG/PNG
// files), preprocessed the standard ImageNet way by the same code `vharness infer` uses.
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ModelFailure } from './model-failure.js';
import { decodeImageFile, IMAGE_EXTENSIONS } from './decode-image.js';
import { preprocessImage } from './preprocess-image.js';

async function listImages(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new ModelFailure(`calibration folder ${dir} cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const files: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await listImages(path)));
    else if (IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) files.push(path);
  }
  return files;
}

/** Up to `count` images as NCHW floats of per-image `shape` ([3, H, W]). */
export async function loadImageFolder(dir: string, shape: number[], count: number): Promise<{ data: Float32Array; count: number }> {
  const [c, h, w] = shape as [number, number, number];
  if (c !== 3) throw new ModelFailure(`calibration images need a 3-channel model input, this one has ${c} channels`);
  const files = (await listImages(dir)).slice(0, count);
  if (files.length === 0) throw new ModelFailure(`calibration folder ${dir} has no JPEG or PNG images`);
  const per = c * h * w;
  const data = new Float32Array(files.length * per);
  for (let i = 0; i < files.length; i++) preprocessImage(await decodeImageFile(files[i]!), h, w, data, i * per);
  return { data, count: files.length };
}

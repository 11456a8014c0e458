// A labeled image folder in ImageNet layout: one subfolder per class, class index = sorted
// folder order, JPEG/PNG files inside.
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { IMAGE_EXTENSIONS } from '../../model/decode-image.js';

export interface LabeledImage {
  path: string;
  /** Index of the class folder in sorted order. */
  label: number;
}

export interface ImageDataset {
  dir: string;
  /** Class folder names, sorted; the index is the label. */
  classes: string[];
  images: LabeledImage[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Lists a dataset folder; UsageError when it is missing, has no class folders or no images. */
export async function listImageDataset(dir: string): Promise<ImageDataset> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new UsageError(`cannot read dataset folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const classes = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(byName);
  if (classes.length === 0) throw new UsageError(`dataset ${dir} has no class folders`, { hint: 'lay it out as DIR/<class>/<image>.jpg, one folder per class' });
  const images: LabeledImage[] = [];
  for (const [label, name] of classes.entries()) {
    const files = (await readdir(join(dir, name), { withFileTypes: true }))
      .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort(byName);
    for (const file of files) images.push({ path: join(dir, name, file), label });
  }
  if (images.length === 0) throw new UsageError(`dataset ${dir} has ${classes.length} class folders but no .jpg/.jpeg/.png images`);
  return { dir, classes, images };
}

// Top-1/top-5 accuracy over a labeled dataset, and top-1/top-5 agreement of a model with a
// reference model (how int8 is checked against fp32 without ImageNet).
import { imageShape, predict, tensorFrom, type LoadedModel } from '../../agent/infer.js';
import { ModelError } from '../errors.js';
import { decodeImageFile } from '../../model/decode-image.js';
import type { ImageDataset } from './image-dataset.js';
import { preprocessImage } from '../../model/preprocess-image.js';
import { topK } from './top-k.js';

export interface AccuracyResult {
  images: number;
  /** Fraction of images whose label is the top class. */
  top1: number;
  /** Fraction of images whose label is among the 5 top classes. */
  top5: number;
  classes: number;
}

export interface AgreementResult {
  images: number;
  /** Fraction of images where both models pick the same top class. */
  top1: number;
  /** Fraction of images where the reference's top class is among the model's 5 top classes. */
  top5: number;
  /** Distinct top classes of the reference (1 would make the agreement meaningless). */
  distinctClasses: number;
  source: 'dataset' | 'synthetic';
}

/** Where images come from: a dataset folder, or already-normalized synthetic images. */
export type ImageSource =
  | { kind: 'dataset'; dataset: ImageDataset }
  | { kind: 'synthetic'; count: number; make: (count: number, shape: number[]) => Float32Array };

/** Fills batches of normalized images in the model's input shape and hands them over with their labels. */
async function forEachBatch(
  source: ImageSource,
  shape: number[],
  batch: number,
  visit: (data: Float32Array, count: number, labels: number[]) => Promise<void>,
): Promise<number> {
  const [channels, height, width] = shape as [number, number, number];
  const perImage = channels * height * width;
  if (source.kind === 'synthetic') {
    const all = source.make(source.count, shape);
    for (let first = 0; first < source.count; first += batch) {
      const count = Math.min(batch, source.count - first);
      await visit(all.slice(first * perImage, (first + count) * perImage), count, []);
    }
    return source.count;
  }
  if (channels !== 3) throw new ModelError(`a dataset needs a model with a 3-channel image input, got [${shape.join(', ')}]`);
  const images = source.dataset.images;
  for (let first = 0; first < images.length; first += batch) {
    const slice = images.slice(first, first + batch);
    const data = new Float32Array(slice.length * perImage);
    for (const [i, item] of slice.entries()) preprocessImage(await decodeImageFile(item.path), height, width, data, i * perImage);
    await visit(data, slice.length, slice.map((s) => s.label));
  }
  return images.length;
}

function checkImageInput(model: LoadedModel): number[] {
  const shape = imageShape(model);
  if (shape.length !== 3) throw new ModelError(`model ${model.path}: expected an image input [batch, C, H, W], got [${model.inputShape.join(', ')}]`);
  return shape;
}

/** Classes per image of one output (output length / batch). */
function classesOf(model: LoadedModel, logits: Float32Array, count: number): number {
  const classes = logits.length / count;
  if (!Number.isInteger(classes) || classes < 1) throw new ModelError(`model ${model.path}: output of ${logits.length} values for ${count} images is not [batch, classes]`);
  return classes;
}

/** Top-1/top-5 of `model` on a labeled dataset, `batch` images per inference. */
export async function measureAccuracy(model: LoadedModel, dataset: ImageDataset, batch: number): Promise<AccuracyResult> {
  const shape = checkImageInput(model);
  let top1 = 0;
  let top5 = 0;
  const images = await forEachBatch({ kind: 'dataset', dataset }, shape, batch, async (data, count, labels) => {
    const logits = await predict(model, tensorFrom(model, data, count));
    const classes = classesOf(model, logits, count);
    if (dataset.classes.length > classes) {
      throw new ModelError(`dataset ${dataset.dir} has ${dataset.classes.length} classes but model ${model.path} outputs ${classes}`);
    }
    for (let i = 0; i < count; i++) {
      const best = topK(logits, 5, i * classes, classes);
      if (best[0] === labels[i]) top1++;
      if (best.includes(labels[i] as number)) top5++;
    }
  });
  return { images, top1: top1 / images, top5: top5 / images, classes: dataset.classes.length };
}

/** How often `model` agrees with `reference` on the same images. */
export async function measureAgreement(model: LoadedModel, reference: LoadedModel, source: ImageSource, batch: number): Promise<AgreementResult> {
  const shape = checkImageInput(model);
  const refShape = checkImageInput(reference);
  if (refShape.join('x') !== shape.join('x')) {
    throw new ModelError(`reference ${reference.path} takes [${refShape.join(', ')}] images but ${model.path} takes [${shape.join(', ')}]`);
  }
  let top1 = 0;
  let top5 = 0;
  const distinct = new Set<number>();
  const images = await forEachBatch(source, shape, batch, async (data, count) => {
    const logits = await predict(model, tensorFrom(model, data, count));
    const refLogits = await predict(reference, tensorFrom(reference, data, count));
    const classes = classesOf(model, logits, count);
    const refClasses = classesOf(reference, refLogits, count);
    if (classes !== refClasses) throw new ModelError(`reference ${reference.path} has ${refClasses} classes but ${model.path} has ${classes}`);
    for (let i = 0; i < count; i++) {
      const want = topK(refLogits, 1, i * classes, classes)[0] as number;
      const best = topK(logits, 5, i * classes, classes);
      distinct.add(want);
      if (best[0] === want) top1++;
      if (best.includes(want)) top5++;
    }
  });
  return { images, top1: top1 / images, top5: top5 / images, distinctClasses: distinct.size, source: source.kind };
}

// The shapes the model builder, quantizer and their callers (`vharness model`, `vharness infer`, run, bench) share.
import type { Precision } from '../agent/protocol.js';

export type { Precision };

/** A model file ready to load, with what is known about it. */
export interface ModelInfo {
  /** Absolute path of the .onnx file. */
  path: string;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  bytes: number;
  /** `resnet50`, `tiny`, or the file's base name for a user's model. */
  arch: string;
  precision: Precision;
  /** The builder seed; null for a user's file. */
  seed: number | null;
  /** Parameters (float weights before quantization); null when unknown. */
  params: number | null;
  /** Multiply-accumulates for one image, from the graph's shapes; null when unknown. */
  macsPerImage: number | null;
  inputName: string;
  /** Per image, e.g. [3, 224, 224]. */
  inputShape: number[];
  classes: number;
}

/** How well an int8 model agrees with its fp32 source on synthetic images. */
export interface Agreement {
  images: number;
  /** Fraction of images whose top-1 class is the same in both models. */
  top1: number;
  /** Distinct top-1 classes of the fp32 model over the images (1 would make `top1` meaningless). */
  distinctClasses: number;
}

/** ModelInfo of an int8 model plus what quantization produced. */
export interface QuantizedModelInfo extends ModelInfo {
  agreement: Agreement | null;
  /** Op types left in float because the quantizer does not handle them. */
  unsupportedOps: string[];
}

// `--model resnet50|tiny|PATH.onnx`: an arch name is built on demand (cached by content);
// anything else is a model file the user brings.
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Precision } from '../../agent/protocol.js';
import { ModelError } from '../errors.js';

export interface ModelChoice {
  path: string;
  /** `resnet50`, `tiny`, or the file's base name. */
  arch: string;
  precision: Precision;
  sha256: string | null;
  bytes: number;
  params: number | null;
  macsPerImage: number | null;
}

/** Arch names the model builder knows; anything else must be a file. */
export const BUILT_IN_ARCHS = ['resnet50', 'tiny'] as const;

/** True when `value` names a built-in arch rather than a file. */
export function isArchName(value: string): boolean {
  return (BUILT_IN_ARCHS as readonly string[]).includes(value);
}

/** A user's model file: must exist; the precision is the user's label for it. */
export async function modelFile(path: string, precision: Precision): Promise<ModelChoice> {
  const absolute = resolve(path);
  let bytes: number;
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new ModelError(`model ${path} is not a file`);
    bytes = info.size;
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw new ModelError(`model file ${path} not found`, { hint: `--model takes ${BUILT_IN_ARCHS.join(', ')} or a path to an .onnx file`, cause: error });
  }
  return { path: absolute, arch: basename(absolute).replace(/\.onnx$/i, ''), precision, sha256: null, bytes, params: null, macsPerImage: null };
}

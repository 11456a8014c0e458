// What a model file may be before vharness reads it: a regular file (not /dev/zero, a FIFO
// or a directory, which would be read without end or fail obscurely) no larger than a limit.
// The limit is `VHARNESS_MODEL_MAX_BYTES` (bytes) when set, else 2 GiB - 1 (the most one
// read can return; ResNet-50 fp32 is ~100 MB).
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ModelFailure } from './model-failure.js';

/** The largest file one read can return in Node; also the default limit. */
export const MODEL_MAX_BYTES_CEILING = 2 ** 31 - 1;
export const MODEL_MAX_BYTES_ENV = 'VHARNESS_MODEL_MAX_BYTES';

/** The configured limit; a bad `VHARNESS_MODEL_MAX_BYTES` is a ModelFailure naming its value. */
export function modelMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MODEL_MAX_BYTES_ENV];
  if (raw === undefined || raw === '') return MODEL_MAX_BYTES_CEILING;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MODEL_MAX_BYTES_CEILING) {
    throw new ModelFailure(`Expected ${MODEL_MAX_BYTES_ENV} to be an integer from 1 to ${MODEL_MAX_BYTES_CEILING} (bytes), got '${raw}'`);
  }
  return n;
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Throws ModelFailure unless `s` (the stat of `path`, symlinks followed) is an acceptable model file. */
export function checkModelStats(path: string, s: Stats, maxBytes = modelMaxBytes()): void {
  if (!s.isFile()) throw new ModelFailure(`${path}: is ${kindOf(s)}, expected a regular .onnx file`, { hint: 'pass an .onnx file or an arch name (resnet50, tiny)' });
  if (s.size > maxBytes) {
    throw new ModelFailure(`${path}: ${s.size} bytes, more than the model size limit of ${maxBytes} bytes`, { hint: `set ${MODEL_MAX_BYTES_ENV} (up to ${MODEL_MAX_BYTES_CEILING}) if the file is right` });
  }
}

/** Checks a model path without reading it (for `plan` and before a run creates anything). */
export async function checkModelPath(path: string): Promise<void> {
  let s: Stats;
  try {
    s = await stat(path);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    throw new ModelFailure(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code || String(error)})`}`, { cause: error, hint: 'pass an .onnx file or an arch name (resnet50, tiny)' });
  }
  checkModelStats(path, s);
}

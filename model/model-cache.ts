// The model cache: files named by content (<sha256>.onnx) under
// ($VHARNESS_CACHE or ~/.cache/vharness)/models, and an index.json mapping a build key
// (arch, precision, seed, builder version; or an input hash + quantizer options) to what was
// built. Every write is atomic (temporary file + rename), so a crash leaves no half file.
import { mkdir, readFile, rename, stat, writeFile, copyFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ModelInfo, QuantizedModelInfo } from './types.js';
import { sha256Hex } from './onnx-file.js';

export type CachedInfo = ModelInfo | QuantizedModelInfo;

interface IndexFile {
  version: 1;
  entries: Record<string, CachedInfo>;
}

export function cacheDir(): string {
  return join(process.env.VHARNESS_CACHE ?? join(homedir(), '.cache', 'vharness'), 'models');
}

async function readIndex(dir: string): Promise<IndexFile> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as IndexFile;
    if (parsed.version === 1 && typeof parsed.entries === 'object' && parsed.entries !== null) return parsed;
  } catch {
    // missing or corrupt: start over (files are content-named, nothing is lost)
  }
  return { version: 1, entries: {} };
}

/** Writes `bytes` to `path` through a temporary file in the same folder and a rename. */
export async function writeAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
}

/** The cached model for `key`, if its file is still there with the recorded size. */
export async function lookupModel(key: string): Promise<CachedInfo | undefined> {
  const dir = cacheDir();
  const entry = (await readIndex(dir)).entries[key];
  if (!entry) return undefined;
  try {
    const s = await stat(entry.path);
    if (s.size === entry.bytes) return entry;
  } catch {
    // gone: rebuild
  }
  return undefined;
}

/** Stores model bytes by content and records `key`; returns the info with path, sha256, bytes. */
export async function storeModel<T extends CachedInfo>(key: string, bytes: Uint8Array, info: Omit<T, 'path' | 'sha256' | 'bytes'>): Promise<T> {
  const dir = cacheDir();
  await mkdir(dir, { recursive: true });
  const sha256 = sha256Hex(bytes);
  const path = join(dir, `${sha256}.onnx`);
  const existing = await stat(path).catch(() => undefined);
  if (!existing || existing.size !== bytes.length) await writeAtomic(path, bytes);
  const full = { ...info, path, sha256, bytes: bytes.length } as T;
  const index = await readIndex(dir); // re-read: another process may have added entries
  index.entries[key] = full;
  await writeAtomic(join(dir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return full;
}

/** Copies a model file to `outDir/name` atomically; returns the new path. */
export async function exportModel(source: string, outDir: string, name: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const target = join(outDir, name);
  const tmp = `${target}.${process.pid}.tmp`;
  await copyFile(source, tmp);
  await rename(tmp, target);
  return target;
}

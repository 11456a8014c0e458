// Paths written in a config or inventory file: relative to that file, `~` is the home directory.
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';

/** Resolves `path` as written in `file` (relative to its folder; `~/` expands). */
export function resolveFromFile(file: string, path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(dirname(file), path);
}

// The results directory is checked before a run creates anything in it: it must be (or become)
// a writable directory. Made one component at a time: Node's recursive mkdir never returns for
// a path under /proc, so it is not used on a path the user typed.
import { randomBytes } from 'node:crypto';
import { mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ExitCode, VharnessError } from '../errors.js';

/** Where the results directory came from: the exit code is 2 for a flag, 3 for an inventory. */
export type ResultsDirOrigin = { flag: string } | { inventory: string };

function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : String(error);
}

const WHY: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'cannot be created there',
  ENOSPC: 'no space left on the device',
};

/** Makes sure `dir` is a writable directory (creating missing parts); returns its absolute path. */
export async function ensureResultsDir(dir: string, origin: ResultsDirOrigin): Promise<string> {
  const abs = resolve(dir);
  const fail = (why: string, cause?: unknown): never => {
    const source = 'flag' in origin ? `--${origin.flag}` : `resultsDir of ${origin.inventory}`;
    throw new VharnessError(`results directory ${abs} (${source}): ${why}`, 'flag' in origin ? ExitCode.usage : ExitCode.config, {
      cause,
      hint: 'pass --results-dir with a writable directory',
    });
  };
  const missing: string[] = [];
  let existing = abs;
  for (;;) {
    try {
      const s = await stat(existing);
      if (!s.isDirectory()) fail(existing === abs ? 'is a file, not a directory' : `${existing} is a file, not a directory`);
      break;
    } catch (error) {
      if (error instanceof VharnessError) throw error;
      const code = codeOf(error);
      if (code !== 'ENOENT' || dirname(existing) === existing) fail(WHY[code] ?? code, error);
      missing.unshift(existing);
      existing = dirname(existing);
    }
  }
  for (const part of missing) {
    try {
      await mkdir(part);
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') fail(`${part}: ${WHY[codeOf(error)] ?? codeOf(error)}`, error);
    }
  }
  const probe = resolve(abs, `.vharness-write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    fail(`not writable (${WHY[codeOf(error)] ?? codeOf(error)})`, error);
  }
  await unlink(probe).catch(() => undefined);
  return abs;
}

// A run named on the command line: its directory, or its id under the results directory
// (`vharness report 20260101-120000-ab12` as well as `vharness report results/20260101-...`).
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExitDoc, Flag } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';

export const resultsDirFlag = { type: 'string', arg: 'DIR', file: true, help: 'where run ids are looked up (default ./results)' } as const satisfies Flag;

/** The exit of a command that reads a run directory whose files are damaged (results/run-reader.ts). */
export const damagedRunDirExit: ExitDoc = [ExitCode.runDir, 'a file of the run directory is damaged (named with its key path)'];

const isDir = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);

/** The directory of RUN: an existing directory as given, else RUN as an id under resultsDir. */
export async function runDirOf(run: string, resultsDir = 'results'): Promise<string> {
  if (await isDir(run)) return resolve(run);
  const byId = join(resultsDir, run);
  if (!run.includes('/') && (await isDir(byId))) return resolve(byId);
  throw new UsageError(`run not found: '${run}' is neither a directory nor a run id under ${resolve(resultsDir)}`, { hint: 'pass results/<run-id> or the <run-id> a run printed' });
}

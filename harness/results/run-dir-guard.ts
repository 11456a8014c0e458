// What makes a run directory safe to continue: it is readable (manifest, summary and cell
// files parse), it was made from the same config and inventory files (content hashes in the
// manifest), and no other vharness process writes it (run.lock: pid and host, taken with an
// exclusive create; a lock whose process is gone is taken over).
import { createHash } from 'node:crypto';
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ExitCode, UsageError, VharnessError } from '../errors.js';
import type { RunManifest } from './types.js';
import { processAlive } from '../process-alive.js';

/** The run directory cannot be used: damaged files, or held by another process. */
export class RunDirError extends VharnessError {
  constructor(message: string, hint: string) {
    super(message, ExitCode.runDir, { hint });
  }
}

async function sha256File(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** Hashes of the files a run was made from (recorded in the manifest). */
export async function runInputs(configFile: string, inventoryFile: string): Promise<NonNullable<RunManifest['inputs']>> {
  return { config_sha256: await sha256File(configFile), inventory_sha256: await sha256File(inventoryFile) };
}

async function readJson(file: string, dir: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    if (code === 'ENOENT') return undefined;
    throw new RunDirError(`run directory ${dir} is damaged: ${file} cannot be read (${code})`, 'fix the file, or start a new run');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RunDirError(`run directory ${dir} is damaged: ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`, `restore or remove ${file} (cells/*.json hold every stored cell), or start a new run`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the manifest and checks the summary and cell files; throws RunDirError naming what is damaged. */
export async function checkRunDir(dir: string): Promise<RunManifest> {
  const manifestFile = join(dir, 'manifest.json');
  const manifest = await readJson(manifestFile, dir);
  if (!isObject(manifest) || typeof manifest.run_id !== 'string') throw new RunDirError(`run directory ${dir} is damaged: ${manifestFile} is not a vharness manifest`, 'start a new run');
  const summaryFile = join(dir, 'summary.json');
  const summary = await readJson(summaryFile, dir);
  if (summary !== undefined) {
    const cells = isObject(summary) ? summary.cells : undefined;
    const bad = Array.isArray(cells) ? cells.findIndex((c) => !isObject(c) || typeof c.key !== 'string') : -1;
    if (!Array.isArray(cells) || bad >= 0) {
      throw new RunDirError(`run directory ${dir} is damaged: ${summaryFile} ${Array.isArray(cells) ? `has an invalid cell at cells[${bad}]` : 'has no cells array'}`, `remove ${summaryFile}: --resume rebuilds it from cells/*.json`);
    }
  }
  for (const name of (await readdir(join(dir, 'cells')).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
    const record = await readJson(join(dir, 'cells', name), dir);
    if (!isObject(record) || typeof record.key !== 'string' || !isObject(record.summary)) {
      throw new RunDirError(`run directory ${dir} is damaged: cells/${name} is not a cell record`, `remove cells/${name} to rerun that cell`);
    }
  }
  return manifest as unknown as RunManifest;
}

/** Refuses to continue a run with other config or inventory files than it was made from. */
export function checkSameInputs(dir: string, manifest: RunManifest, now: NonNullable<RunManifest['inputs']>, files: { config: string; inventory: string }): void {
  const was = manifest.inputs;
  if (!was) return; // made before hashes were recorded: nothing to compare
  const differ: string[] = [];
  if (was.config_sha256 !== now.config_sha256) differ.push(`config ${files.config} (the run used ${manifest.config_file})`);
  if (was.inventory_sha256 !== now.inventory_sha256) differ.push(`inventory ${files.inventory} (the run used ${manifest.inventory_file})`);
  if (differ.length > 0) {
    throw new UsageError(`--resume ${dir}: not the files this run was made from: ${differ.join('; ')}`, {
      hint: `resume with the same files: vharness run ${manifest.config_file} -i ${manifest.inventory_file} --resume ${dir}`,
    });
  }
}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/** Takes `<dir>/run.lock`; answers the release function. A live holder is refused with its pid. */
export async function lockRunDir(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, 'run.lock');
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, JSON.stringify(mine), { flag: 'wx' });
      return async () => {
        await unlink(file).catch(() => undefined);
      };
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
    }
    const holder = (await readFile(file, 'utf8').then((t) => JSON.parse(t) as LockInfo, () => undefined)) ?? { pid: 0, host: '', since: '' };
    const elsewhere = holder.host !== '' && holder.host !== mine.host;
    if (elsewhere || (holder.pid > 0 && processAlive(holder.pid))) {
      throw new RunDirError(`run directory ${dir} is in use by another vharness process (pid ${holder.pid} on ${holder.host || '?'}, since ${holder.since || '?'})`, elsewhere ? `if that process is gone, remove ${file}` : 'wait for it to end; two runs must not write one directory');
    }
    await unlink(file).catch(() => undefined); // its process is gone
  }
  throw new RunDirError(`run directory ${dir}: could not take ${file}`, `remove ${file} if no vharness process uses the directory`);
}

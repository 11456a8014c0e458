// results/<run-id>/: creates the run directory and writes cell files, the summary and the
// manifest atomically; reading goes through run-reader.ts (the one reader).
import { mkdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.js';
import type { CellRecord } from './cell-record.js';
import { readCellRecords, readManifest, readSummary } from './run-reader.js';
import type { RunManifest, RunSummary } from './types.js';

/** A run id: UTC time plus the config name, e.g. `20261126-193500-demo`. */
export function newRunId(configName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${configName}`;
}

/** File name of a cell inside cells/: its key with `/` turned into `__`. */
export function cellFileName(key: string): string {
  return `${key.replace(/[^A-Za-z0-9._-]/g, '__')}.json`;
}

export class RunStore {
  readonly dir: string;
  readonly runId: string;

  private constructor(dir: string, runId: string) {
    this.dir = dir;
    this.runId = runId;
  }

  /** Creates results/<run-id>/ (a suffix is added if the id is taken). */
  static async create(resultsDir: string, runId: string): Promise<RunStore> {
    await mkdir(resultsDir, { recursive: true });
    for (let n = 1; ; n++) {
      const id = n === 1 ? runId : `${runId}-${n}`;
      const dir = join(resultsDir, id);
      try {
        await mkdir(dir);
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'EEXIST') continue;
        throw error;
      }
      await mkdir(join(dir, 'cells'));
      return new RunStore(dir, id);
    }
  }

  /** Opens an existing run: a path, or a run id under `resultsDir`. */
  static async open(resultsDir: string, run: string): Promise<RunStore> {
    const candidates = isAbsolute(run) || run.includes('/') ? [resolve(run)] : [join(resultsDir, run), resolve(run)];
    for (const dir of candidates) {
      const found = await stat(join(dir, 'manifest.json')).then(() => true, () => false);
      if (found) {
        await mkdir(join(dir, 'cells'), { recursive: true });
        const id = dir.split('/').filter((p) => p !== '').pop() ?? run;
        return new RunStore(dir, id);
      }
    }
    throw new UsageError(`Expected --resume to name a run (a results directory with manifest.json), got '${run}'`, { hint: `runs live under ${resultsDir}` });
  }

  cellFile(key: string): string {
    return join(this.dir, 'cells', cellFileName(key));
  }

  async writeCell(record: CellRecord): Promise<void> {
    await writeJsonAtomic(this.cellFile(record.key), record);
  }

  /** Every cell record stored so far, by key (unreadable files are skipped: they rerun). */
  readCells(): Promise<Map<string, CellRecord>> {
    return readCellRecords(this.dir);
  }

  async writeManifest(manifest: RunManifest): Promise<void> {
    await writeJsonAtomic(join(this.dir, 'manifest.json'), manifest);
  }

  async readManifest(): Promise<RunManifest | null> {
    return readManifest(this.dir);
  }

  async readSummary(): Promise<RunSummary | undefined> {
    return readSummary(this.dir);
  }

  /** summary.json plus its CSV rendering (given by the caller: results/ does not render). */
  async writeSummary(summary: RunSummary, csv: string): Promise<void> {
    await writeJsonAtomic(join(this.dir, 'summary.json'), summary);
    await writeFileAtomic(join(this.dir, 'summary.csv'), csv);
  }
}

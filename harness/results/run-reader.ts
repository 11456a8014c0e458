// The one reader of a run directory (results/<run-id>/): summary.json, manifest.json and
// cells/*.json, used by --resume, `report` and `compare`. The shape is checked once here so
// readers can trust it; errors name the file, the key path and the value.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isPrecision, isTarget, isWorkload, PRECISIONS, TARGETS, WORKLOADS } from '../core/vocabulary.js';
import { ExitCode, formatValue, UsageError, VharnessError } from '../errors.js';
import type { CellRecord } from './cell-record.js';
import { isFlag } from './flags.js';
import type { CellSummary, Comparison, RunManifest, RunSummary } from './types.js';

/** A run directory as read: the summary (checked) and the manifest (null when missing). */
export interface LoadedRun {
  /** Absolute run directory. */
  dir: string;
  summary: RunSummary;
  manifest: RunManifest | null;
}

/** Thrown for a summary.json, manifest.json or cell file that is not what the controller writes (exit 9, a damaged run directory). */
export class ResultsFileError extends VharnessError {
  constructor(file: string, keyPath: string, message: string, value?: unknown) {
    super(`${file}: ${keyPath === '' ? '' : `${keyPath}: `}${message}${value === undefined ? '' : `, got ${formatValue(value)}`}`, ExitCode.runDir, {
      hint: 'the run directory is damaged: restore the file (a removed summary.json is rebuilt from cells/*.json by `vharness run CONFIG --resume RUN`)',
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const VALIDITIES = ['valid', 'invalid', 'noisy'] as const;
const STATUSES = ['completed', 'failed'] as const;

function checkCell(file: string, cell: unknown, index: number): CellSummary {
  const at = `cells[${index}]`;
  if (!isRecord(cell)) throw new ResultsFileError(file, at, 'expected an object', cell);
  const fail = (key: string, message: string): never => {
    throw new ResultsFileError(file, `${at}.${key}`, message, cell[key]);
  };
  if (!isWorkload(cell.workload)) fail('workload', `expected one of ${WORKLOADS.join('|')}`);
  if (!isPrecision(cell.precision)) fail('precision', `expected one of ${PRECISIONS.join('|')}`);
  if (!isTarget(cell.target)) fail('target', `expected one of ${TARGETS.join('|')}`);
  if (typeof cell.status !== 'string' || !(STATUSES as readonly string[]).includes(cell.status)) fail('status', `expected one of ${STATUSES.join('|')}`);
  for (const key of ['key', 'configuration'] as const) if (typeof cell[key] !== 'string') fail(key, 'expected a string');
  for (const key of ['instances', 'batch', 'threads', 'repeats'] as const) if (typeof cell[key] !== 'number') fail(key, 'expected a number');
  for (const key of ['per_instance', 'trials'] as const) if (!Array.isArray(cell[key])) fail(key, 'expected an array');
  if (cell.status === 'failed') {
    if (typeof cell.error !== 'string') fail('error', 'expected the reason of the failure (a string)');
    return cell as unknown as CellSummary;
  }
  if (typeof cell.validity !== 'string' || !(VALIDITIES as readonly string[]).includes(cell.validity)) fail('validity', `expected one of ${VALIDITIES.join('|')}`);
  for (const key of ['throughput_ips', 'latency_mean_ms'] as const) {
    const e = cell[key];
    if (!isRecord(e) || typeof e.mean !== 'number' || typeof e.n !== 'number') fail(key, 'expected {n, mean, sd, cv, ci95} (a summary written before repeated trials? rerun it)');
  }
  if (!isRecord(cell.latency_ms) || typeof cell.latency_ms.mean !== 'number') fail('latency_ms', 'expected {mean, p50, p90, p99, max}');
  if (!Array.isArray(cell.flags) || !cell.flags.every(isFlag)) fail('flags', 'expected an array of known flags');
  for (const key of ['reasons', 'noise'] as const) if (!Array.isArray(cell[key])) fail(key, 'expected an array');
  return cell as unknown as CellSummary;
}

function checkComparison(file: string, c: unknown, index: number): Comparison {
  const at = `comparisons[${index}]`;
  if (!isRecord(c)) throw new ResultsFileError(file, at, 'expected an object', c);
  for (const key of ['kind', 'verdict', 'a', 'b', 'reason'] as const) if (typeof c[key] !== 'string') throw new ResultsFileError(file, `${at}.${key}`, 'expected a string', c[key]);
  if (c.ratio !== null && typeof c.ratio !== 'number') throw new ResultsFileError(file, `${at}.ratio`, 'expected a number or null', c.ratio);
  return c as unknown as Comparison;
}

/** Checks a parsed summary.json; `file` is named in errors. */
export function checkSummary(file: string, data: unknown): RunSummary {
  if (!isRecord(data)) throw new ResultsFileError(file, '', 'expected a JSON object', data);
  if (!Array.isArray(data.cells)) throw new ResultsFileError(file, 'cells', 'expected an array', data.cells);
  const cells = data.cells.map((cell, index) => checkCell(file, cell, index));
  const comparisons = data.comparisons === undefined ? [] : Array.isArray(data.comparisons) ? data.comparisons.map((c, i) => checkComparison(file, c, i)) : (() => {
    throw new ResultsFileError(file, 'comparisons', 'expected an array', data.comparisons);
  })();
  return {
    run_id: typeof data.run_id === 'string' ? data.run_id : '(unknown run)',
    config: typeof data.config === 'string' ? data.config : '',
    inventory: typeof data.inventory === 'string' ? data.inventory : '',
    model: isRecord(data.model) ? (data.model as unknown as RunSummary['model']) : { arch: '' },
    started_at: typeof data.started_at === 'string' ? data.started_at : '',
    finished_at: typeof data.finished_at === 'string' ? data.finished_at : '',
    equivalence_margin: typeof data.equivalence_margin === 'number' ? data.equivalence_margin : 0.01,
    cells,
    comparisons,
  };
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ResultsFileError(file, '', `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

const isMissing = (error: unknown): boolean => error instanceof Error && 'code' in error && error.code === 'ENOENT';

/** manifest.json of a run directory; null when there is none. */
export async function readManifest(dir: string): Promise<RunManifest | null> {
  const file = join(dir, 'manifest.json');
  try {
    const data = await readJson(file);
    if (!isRecord(data)) throw new ResultsFileError(file, '', 'expected a JSON object', data);
    if (data.hosts !== undefined && !Array.isArray(data.hosts)) throw new ResultsFileError(file, 'hosts', 'expected an array', data.hosts);
    return data as unknown as RunManifest;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** summary.json of a run directory; undefined when there is none yet. */
export async function readSummary(dir: string): Promise<RunSummary | undefined> {
  const file = join(dir, 'summary.json');
  try {
    return checkSummary(file, await readJson(file));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Every cell record in cells/, by key. A damaged or older cell file counts as missing (it reruns). */
export async function readCellRecords(dir: string): Promise<Map<string, CellRecord>> {
  const out = new Map<string, CellRecord>();
  const cellsDir = join(dir, 'cells');
  const names = await readdir(cellsDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const file = join(cellsDir, name);
    try {
      const record = (await readJson(file)) as CellRecord;
      if (typeof record.key !== 'string' || !Array.isArray(record.trials)) continue;
      checkCell(file, record.summary, 0);
      out.set(record.key, record);
    } catch {
      // a damaged cell file: the cell counts as missing
    }
  }
  return out;
}

/** Loads and checks a run directory; a missing summary.json is a usage error naming the path. */
export async function loadRun(runDir: string): Promise<LoadedRun> {
  const dir = resolve(runDir);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`run directory not found: ${runDir}`, { hint: 'pass a directory like results/<run-id>' });
  const summary = await readSummary(dir);
  if (!summary) throw new UsageError(`${runDir} has no summary.json (not a run directory, or the run has not finished a cell yet)`);
  return { dir, summary, manifest: await readManifest(dir) };
}

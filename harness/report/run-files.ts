// Reads a run directory (summary.json, manifest.json) for reports and `compare`, checking the
// shape once so renderers can trust it; errors name the file, the key path and the value.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError, VharnessError, ExitCode, formatValue } from '../errors.js';
import type { CellSummary, RunManifest, RunSummary } from '../results/types.js';

export interface LoadedRun {
  /** Absolute run directory. */
  dir: string;
  summary: RunSummary;
  /** Null when the run has no manifest.json (reports then say so). */
  manifest: RunManifest | null;
}

/** Thrown for a summary.json or manifest.json that is not what the controller writes. */
export class ResultsFileError extends VharnessError {
  constructor(file: string, keyPath: string, message: string, value?: unknown) {
    super(`${file}: ${keyPath === '' ? '' : `${keyPath}: `}${message}${value === undefined ? '' : `, got ${formatValue(value)}`}`, ExitCode.failure);
  }
}

const workloads = ['latency', 'throughput', 'scaling', 'multistream', 'server', 'offline'] as const;
const precisions = ['fp32', 'int8'] as const;
const targets = ['vm', 'baremetal'] as const;
const statuses = ['completed', 'failed'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkCell(file: string, cell: unknown, index: number): CellSummary {
  const at = `cells[${index}]`;
  if (!isRecord(cell)) throw new ResultsFileError(file, at, 'expected an object', cell);
  const oneOf = (key: string, allowed: readonly string[]): void => {
    const value = cell[key];
    if (typeof value !== 'string' || !allowed.includes(value)) throw new ResultsFileError(file, `${at}.${key}`, `expected one of ${allowed.join('|')}`, value);
  };
  oneOf('workload', workloads);
  oneOf('precision', precisions);
  oneOf('target', targets);
  oneOf('status', statuses);
  if (typeof cell.configuration !== 'string') throw new ResultsFileError(file, `${at}.configuration`, 'expected a string', cell.configuration);
  for (const key of ['instances', 'batch', 'threads'] as const) {
    if (typeof cell[key] !== 'number') throw new ResultsFileError(file, `${at}.${key}`, 'expected a number', cell[key]);
  }
  for (const key of ['throughput_ips', 'start_skew_ms', 'window_s'] as const) {
    if (cell[key] !== null && cell[key] !== undefined && typeof cell[key] !== 'number') throw new ResultsFileError(file, `${at}.${key}`, 'expected a number or null', cell[key]);
  }
  const latency = cell.latency_ms;
  if (latency !== null && latency !== undefined && !(isRecord(latency) && typeof latency.mean === 'number')) {
    throw new ResultsFileError(file, `${at}.latency_ms`, 'expected {mean, p50, p90, p99, max} or null', latency);
  }
  if (cell.flags !== undefined && !Array.isArray(cell.flags)) throw new ResultsFileError(file, `${at}.flags`, 'expected an array', cell.flags);
  if (cell.per_instance !== undefined && !Array.isArray(cell.per_instance)) throw new ResultsFileError(file, `${at}.per_instance`, 'expected an array', cell.per_instance);
  // Defaults for fields an older or partial writer may leave out.
  const defaults: Partial<CellSummary> = {
    flags: [],
    per_instance: [],
    valid: cell.status === 'completed',
    throughput_ips: null,
    latency_ms: null,
    first_inference_ms: null,
    start_skew_ms: null,
    window_s: null,
    vcpus_per_instance: null,
    memory_gb_per_instance: null,
    key: `${String(cell.workload)}/${String(cell.precision)}/${String(cell.target)}/${String(cell.configuration)}`,
  };
  return { ...defaults, ...(cell as unknown as CellSummary) };
}

/** Checks a parsed summary.json; `file` is named in errors. */
export function checkSummary(file: string, data: unknown): RunSummary {
  if (!isRecord(data)) throw new ResultsFileError(file, '', 'expected a JSON object', data);
  if (!Array.isArray(data.cells)) throw new ResultsFileError(file, 'cells', 'expected an array', data.cells);
  const cells = data.cells.map((cell, index) => checkCell(file, cell, index));
  return {
    run_id: typeof data.run_id === 'string' ? data.run_id : '(unknown run)',
    config: typeof data.config === 'string' ? data.config : '',
    inventory: typeof data.inventory === 'string' ? data.inventory : '',
    model: isRecord(data.model) ? (data.model as unknown as RunSummary['model']) : { arch: '' },
    started_at: typeof data.started_at === 'string' ? data.started_at : '',
    finished_at: typeof data.finished_at === 'string' ? data.finished_at : '',
    cells,
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

/** Loads and checks a run directory; a missing summary.json is a usage error naming the path. */
export async function loadRun(runDir: string): Promise<LoadedRun> {
  const dir = resolve(runDir);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`run directory not found: ${runDir}`, { hint: 'pass a directory like results/<run-id>' });
  const summaryFile = join(dir, 'summary.json');
  const summaryData = await readJson(summaryFile).catch((error: unknown) => {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      throw new UsageError(`${runDir} has no summary.json (not a run directory, or the run has not finished a cell yet)`);
    }
    throw error;
  });
  const summary = checkSummary(summaryFile, summaryData);
  const manifestFile = join(dir, 'manifest.json');
  let manifest: RunManifest | null = null;
  try {
    const data = await readJson(manifestFile);
    if (!isRecord(data)) throw new ResultsFileError(manifestFile, '', 'expected a JSON object', data);
    if (data.hosts !== undefined && !Array.isArray(data.hosts)) throw new ResultsFileError(manifestFile, 'hosts', 'expected an array', data.hosts);
    manifest = data as unknown as RunManifest;
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
  return { dir, summary, manifest };
}

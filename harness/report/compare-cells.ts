// Matches the cells of two runs by (workload, precision, target, configuration, instances) and
// computes B/A ratios; across precisions on request (one lab's fp32 against another's int8,
// as the study compared Skylake fp32 with Cascade Lake int8). Pure.
import type { Precision } from '../../agent/protocol.js';
import type { CellSummary, RunSummary, TargetKind, Workload } from '../results/types.js';
import { workloadOrder } from './figures.js';
import { vmSettingDifferences } from './vm-record-text.js';

export interface CompareOptions {
  /** Take only this precision from run A (with `bPrecision`: match across precisions). */
  aPrecision?: Precision;
  /** Take only this precision from run B. */
  bPrecision?: Precision;
}

export interface ValuePair {
  a: number | null;
  b: number | null;
  /** b / a; null when either is missing or a is 0. */
  ratio: number | null;
}

export interface CellPair {
  /** The matching key, e.g. `latency/fp32/vm/c1/1` (precision `fp32>int8` across precisions). */
  match: string;
  workload: Workload;
  target: TargetKind;
  configuration: string;
  instances: number;
  precisionA: Precision;
  precisionB: Precision;
  a: CellSummary;
  b: CellSummary;
  throughput: ValuePair;
  latency: ValuePair;
  /** Multistream batch found, or the batch run. */
  batch: { a: number; b: number };
  /** How many times faster B is on the workload's own metric (latency: A/B, else B/A). */
  speedup: number | null;
  /** VM settings (placement, vNUMA, latency sensitivity, reservations, affinity) that differ. */
  vmSettings: string[];
}

export interface Comparison {
  a: { run_id: string; dir: string };
  b: { run_id: string; dir: string };
  crossPrecision: boolean;
  pairs: CellPair[];
  onlyA: CellSummary[];
  onlyB: CellSummary[];
}

function valuePair(a: number | null | undefined, b: number | null | undefined): ValuePair {
  const va = typeof a === 'number' && Number.isFinite(a) ? a : null;
  const vb = typeof b === 'number' && Number.isFinite(b) ? b : null;
  return { a: va, b: vb, ratio: va !== null && vb !== null && va !== 0 ? vb / va : null };
}

function matchKey(cell: CellSummary, withPrecision: boolean): string {
  return [cell.workload, withPrecision ? cell.precision : '*', cell.target, cell.configuration, String(cell.instances)].join('/');
}

function index(cells: CellSummary[], withPrecision: boolean): Map<string, CellSummary> {
  const map = new Map<string, CellSummary>();
  for (const cell of cells) if (!map.has(matchKey(cell, withPrecision))) map.set(matchKey(cell, withPrecision), cell);
  return map;
}

const order = (c: CellSummary): number => workloadOrder.indexOf(c.workload);

/** Pairs the cells of run A and run B; cells without a partner are listed apart. */
export function compareRuns(a: { summary: RunSummary; dir: string }, b: { summary: RunSummary; dir: string }, options: CompareOptions = {}): Comparison {
  const crossPrecision = options.aPrecision !== undefined || options.bPrecision !== undefined;
  const cellsA = a.summary.cells.filter((c) => options.aPrecision === undefined || c.precision === options.aPrecision);
  const cellsB = b.summary.cells.filter((c) => options.bPrecision === undefined || c.precision === options.bPrecision);
  const withPrecision = !crossPrecision;
  const byA = index(cellsA, withPrecision);
  const byB = index(cellsB, withPrecision);
  const pairs: CellPair[] = [];
  for (const [key, cellA] of byA) {
    const cellB = byB.get(key);
    if (!cellB) continue;
    const throughput = valuePair(cellA.throughput_ips, cellB.throughput_ips);
    const latency = valuePair(cellA.latency_ms?.mean, cellB.latency_ms?.mean);
    const speedup = cellA.workload === 'latency' ? (latency.ratio === null || latency.ratio === 0 ? null : 1 / latency.ratio) : throughput.ratio;
    pairs.push({
      match: withPrecision ? key : key.replace('/*/', `/${cellA.precision}>${cellB.precision}/`),
      workload: cellA.workload,
      target: cellA.target,
      configuration: cellA.configuration,
      instances: cellA.instances,
      precisionA: cellA.precision,
      precisionB: cellB.precision,
      a: cellA,
      b: cellB,
      throughput,
      latency,
      batch: { a: cellA.multistream?.batch_found ?? cellA.batch, b: cellB.multistream?.batch_found ?? cellB.batch },
      speedup: cellA.status === 'completed' && cellB.status === 'completed' ? speedup : null,
      vmSettings: vmSettingDifferences(cellA, cellB),
    });
  }
  pairs.sort((x, y) => order(x.a) - order(y.a));
  return {
    a: { run_id: a.summary.run_id, dir: a.dir },
    b: { run_id: b.summary.run_id, dir: b.dir },
    crossPrecision,
    pairs,
    onlyA: [...byA].filter(([key]) => !byB.has(key)).map(([, c]) => c),
    onlyB: [...byB].filter(([key]) => !byA.has(key)).map(([, c]) => c),
  };
}

// Matches the cells of two runs by (workload, precision, target, configuration, instances) and
// compares B with A through the one comparisons module (Fieller interval over the trials of
// each side, unpaired, and a verdict); across precisions on request (one lab's fp32 against
// another's int8, as the study compared Skylake fp32 with Cascade Lake int8). Pure.
import { TARGET_LABELS, WORKLOADS, type Precision, type TargetKind, type Workload } from '../core/vocabulary.js';
import { compareCells } from '../results/comparisons.js';
import type { CellSummary, Comparison } from '../results/types.js';
import { vmSettingDifferences } from './vm-record-text.js';

export interface CompareOptions {
  /** Take only this precision from run A (with `bPrecision`: match across precisions). */
  aPrecision?: Precision;
  /** Take only this precision from run B. */
  bPrecision?: Precision;
  /** Equivalence margin of the verdicts. @default 0.01 */
  margin?: number;
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
  /** B against A on the workload's metric: ratio B/A, 95% CI, verdict. */
  comparison: Comparison;
  /** Multistream batch found, or the batch run. */
  batch: { a: number; b: number };
  /** VM settings (placement, vNUMA, latency sensitivity, reservations, affinity) that differ. */
  vmSettings: string[];
}

export interface RunComparison {
  a: { run_id: string; dir: string };
  b: { run_id: string; dir: string };
  crossPrecision: boolean;
  pairs: CellPair[];
  onlyA: CellSummary[];
  onlyB: CellSummary[];
}

function matchKey(cell: CellSummary, withPrecision: boolean): string {
  return [cell.workload, withPrecision ? cell.precision : '*', cell.target, cell.configuration, String(cell.instances)].join('/');
}

function index(cells: readonly CellSummary[], withPrecision: boolean): Map<string, CellSummary> {
  const map = new Map<string, CellSummary>();
  for (const cell of cells) if (!map.has(matchKey(cell, withPrecision))) map.set(matchKey(cell, withPrecision), cell);
  return map;
}

const order = (c: CellSummary): number => WORKLOADS.indexOf(c.workload);

/** Pairs the cells of run A and run B; cells without a partner are listed apart. */
export function compareRuns(a: { summary: { run_id: string; cells: CellSummary[] }; dir: string }, b: { summary: { run_id: string; cells: CellSummary[] }; dir: string }, options: CompareOptions = {}): RunComparison {
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
    const precision = cellA.precision === cellB.precision ? cellA.precision : `${cellA.precision} > ${cellB.precision}`;
    const comparison = compareCells(cellB, cellA, { kind: 'run_b_vs_run_a', aLabel: 'B', bLabel: 'A', precision, target: TARGET_LABELS[cellA.target] }, { paired: false, ...(options.margin !== undefined ? { margin: options.margin } : {}) });
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
      comparison,
      batch: { a: cellA.multistream?.batch_found ?? cellA.batch, b: cellB.multistream?.batch_found ?? cellB.batch },
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

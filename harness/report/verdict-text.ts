// The words every renderer uses for trust: a cell's state (VALID / INVALID / NOISY / FAILED
// with reasons in words) and a comparison's text (emphasis only for faster/slower). Reads the
// records of results/; computes nothing.
import { WORKLOAD_METRIC } from '../core/vocabulary.js';
import type { CellSummary, Comparison, Estimate } from '../results/types.js';
import { formatMeasure } from './format-number.js';

export type CellState = 'VALID' | 'INVALID' | 'NOISY' | 'FAILED';

export function cellState(cell: CellSummary): CellState {
  return cell.status === 'failed' ? 'FAILED' : cell.validity === 'valid' ? 'VALID' : cell.validity === 'invalid' ? 'INVALID' : 'NOISY';
}

/** Why the cell is not VALID, in words (empty for a valid cell). */
export function cellReasons(cell: CellSummary): string[] {
  return cell.status === 'failed' ? [cell.error] : cell.reasons;
}

/** `NOISY: trial 2: ...; ...` or `VALID`. */
export function cellStateText(cell: CellSummary): string {
  const reasons = cellReasons(cell);
  return reasons.length === 0 ? cellState(cell) : `${cellState(cell)}: ${reasons.join('; ')}`;
}

/** The cell's headline estimate (mean latency or throughput over trials); undefined when failed. */
export function headlineEstimate(cell: CellSummary): Estimate | undefined {
  return cell.status === 'completed' ? cell[WORKLOAD_METRIC[cell.workload].name] : undefined;
}

/** `45.1 ± 0.8` (mean ± half the 95% CI), or the mean alone without an interval. */
export function formatEstimate(e: Estimate | undefined): string {
  if (!e) return '-';
  return e.ci95 ? `${formatMeasure(e.mean)} ± ${formatMeasure((e.ci95[1] - e.ci95[0]) / 2)}` : formatMeasure(e.mean);
}

/** True only for verdicts worth emphasis. */
export function isEmphasized(c: Comparison): boolean {
  return c.verdict === 'faster' || c.verdict === 'slower';
}

/** Short text for a table cell: `4.1% slower (95% CI 2.0-6.2%)`, `no significant difference`, `inconclusive: ...`. */
export function comparisonCell(c: Comparison | undefined): string {
  if (!c) return '';
  if (c.verdict === 'inconclusive') return c.reason;
  return c.ci_text ? `${c.headline} (${c.ci_text})` : c.headline;
}

// `vharness compare` in the terminal: the matched cells of two runs side by side with B/A
// ratios as a cli-table3 table, then the cells found in only one run.
import Table from 'cli-table3';
import type { CellSummary, Workload } from '../results/types.js';
import type { TextTable } from './figures.js';
import type { CellPair, Comparison } from './compare-cells.js';
import { formatMeasure, formatRatio } from './format-number.js';

function state(cell: CellSummary): string {
  return cell.status === 'failed' ? 'failed' : cell.valid ? '' : 'invalid';
}

function row(p: CellPair): string[] {
  const flags = [state(p.a) && `A ${state(p.a)}`, state(p.b) && `B ${state(p.b)}`].filter(Boolean).join(', ');
  const speedup = p.speedup === null ? '-' : p.speedup >= 1 ? `${formatRatio(p.speedup)} faster` : `${formatRatio(1 / p.speedup)} slower`;
  return [
    p.workload,
    p.precisionA === p.precisionB ? p.precisionA : `${p.precisionA} > ${p.precisionB}`,
    p.target === 'vm' ? 'VM' : 'bare metal',
    p.configuration,
    String(p.instances),
    p.workload === 'multistream' ? `${p.batch.a} / ${p.batch.b}` : String(p.a.batch),
    formatMeasure(p.throughput.a),
    formatMeasure(p.throughput.b),
    formatRatio(p.throughput.ratio),
    formatMeasure(p.latency.a),
    formatMeasure(p.latency.b),
    formatRatio(p.latency.ratio),
    speedup,
    flags,
  ];
}

const headers = ['workload', 'precision', 'target', 'config', 'inst', 'batch', 'A img/s', 'B img/s', 'B/A', 'A mean ms', 'B mean ms', 'B/A', 'B vs A', 'notes'];

/** The matched pairs as a plain table (all, or one workload's), for html and md views. */
export function compareTextTable(comparison: Comparison, workload?: Workload): TextTable {
  return { headers: [...headers], rows: comparison.pairs.filter((p) => workload === undefined || p.workload === workload).map(row) };
}

/** The comparison as terminal text (no colours, so it pastes cleanly). */
export function renderCompareTable(comparison: Comparison): string {
  const table = new Table({ head: headers, style: { head: [], border: [], compact: true } });
  for (const pair of comparison.pairs) table.push(row(pair));
  const lines = [`A: ${comparison.a.run_id} (${comparison.a.dir})`, `B: ${comparison.b.run_id} (${comparison.b.dir})`];
  if (comparison.crossPrecision) lines.push(`across precisions: A ${comparison.pairs[0]?.precisionA ?? '(any)'} vs B ${comparison.pairs[0]?.precisionB ?? '(any)'}`);
  lines.push(comparison.pairs.length === 0 ? 'No cell of A matches a cell of B.' : table.toString());
  const only = (label: string, cells: CellSummary[]) => {
    if (cells.length === 0) return;
    lines.push(`only in ${label} (${cells.length}):`);
    for (const c of cells) lines.push(`  ${c.key}${c.status === 'failed' ? ' (failed)' : ''}`);
  };
  const tuned = comparison.pairs.filter((p) => p.vmSettings.length > 0);
  if (tuned.length > 0) lines.push('VM settings differ (the two sides ran differently tuned VMs):');
  for (const p of tuned) lines.push(`  ${p.match}: ${p.vmSettings.join('; ')}`);
  only('A', comparison.onlyA);
  only('B', comparison.onlyB);
  return `${lines.join('\n')}\n`;
}

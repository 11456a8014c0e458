// `vharness compare` in the terminal: the caveats, then the matched cells of two runs side by
// side with each side's mean ± 95% CI and the verdict of B vs A, then the unmatched cells.
import Table from 'cli-table3';
import { WORKLOAD_METRIC, type Workload } from '../core/vocabulary.js';
import type { CellSummary } from '../results/types.js';
import type { TextTable } from './figures.js';
import type { CellPair, RunComparison } from './compare-cells.js';
import { cellState, formatEstimate, headlineEstimate } from './verdict-text.js';

function side(cell: CellSummary): string {
  const state = cellState(cell);
  return state === 'FAILED' ? 'failed' : `${formatEstimate(headlineEstimate(cell))}${state === 'VALID' ? '' : ` ${state}`}`;
}

function row(p: CellPair): string[] {
  return [
    p.workload,
    p.precisionA === p.precisionB ? p.precisionA : `${p.precisionA} > ${p.precisionB}`,
    p.target === 'vm' ? 'VM' : 'bare metal',
    p.configuration,
    String(p.instances),
    p.workload === 'multistream' ? `${p.batch.a} / ${p.batch.b}` : String(p.a.batch),
    WORKLOAD_METRIC[p.workload].unit,
    side(p.a),
    side(p.b),
    p.comparison.reason,
  ];
}

const headers = ['workload', 'precision', 'target', 'config', 'inst', 'batch', 'metric', 'A (95% CI)', 'B (95% CI)', 'B vs A'];

/** The matched pairs as a plain table (all, or one workload's), for html and md views. */
export function compareTextTable(comparison: RunComparison, workload?: Workload): TextTable {
  return { headers: [...headers], rows: comparison.pairs.filter((p) => workload === undefined || p.workload === workload).map(row) };
}

/** The comparison as terminal text (no colours, so it pastes cleanly). */
export function renderCompareTable(comparison: RunComparison, caveats: readonly string[] = []): string {
  const table = new Table({ head: headers, style: { head: [], border: [], compact: true }, colWidths: headers.map((_, i) => (i === headers.length - 1 ? 50 : null)), wordWrap: true });
  for (const pair of comparison.pairs) table.push(row(pair));
  const lines = [`A: ${comparison.a.run_id} (${comparison.a.dir})`, `B: ${comparison.b.run_id} (${comparison.b.dir})`];
  if (comparison.crossPrecision) lines.push(`across precisions: A ${comparison.pairs[0]?.precisionA ?? '(any)'} vs B ${comparison.pairs[0]?.precisionB ?? '(any)'}`);
  for (const c of caveats) lines.push(`caveat: ${c}`);
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

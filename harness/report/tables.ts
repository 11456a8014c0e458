// The terminal tables printed at the end of a run, shaped like the paper's figures: per
// workload VM vs bare metal with each side's mean ± 95% CI over trials and the verdict of
// the comparison, then int8 vs fp32 and scaling, then every cell that is not VALID and why.
// Every ratio comes from summary.comparisons; nothing is computed here.
import Table from 'cli-table3';
import { PRECISIONS, WORKLOAD_METRIC, WORKLOADS, type Workload } from '../core/vocabulary.js';
import { pairKey } from '../results/comparisons.js';
import type { CellSummary, Comparison, ComparisonKind, RunSummary } from '../results/types.js';
import { offlineTable, serverTable, type VerdictCell } from './serving-tables.js';
import { tableOptions } from './table-style.js';
import { cellState, cellStateText, comparisonCell, formatEstimate, headlineEstimate } from './verdict-text.js';

const VERDICT_WIDTH = 46;

function wrapped(head: string[]): Table.TableConstructorOptions {
  return { ...tableOptions(head), colWidths: head.map((_, i) => (i === head.length - 1 ? VERDICT_WIDTH : null)), wordWrap: true };
}

function show(cell: CellSummary | undefined, extra?: (c: CellSummary) => string): string {
  if (!cell) return '';
  const state = cellState(cell);
  if (state === 'FAILED') return 'failed';
  return `${formatEstimate(headlineEstimate(cell))}${state === 'VALID' ? '' : ` ${state}`}${extra ? ` ${extra(cell)}` : ''}`;
}

/** The comparison of kind `kind` whose side a is `a` and side b is `b`. */
export function findComparison(comparisons: readonly Comparison[], kind: ComparisonKind, a: CellSummary | undefined, b: CellSummary | undefined): Comparison | undefined {
  if (!a || !b) return undefined;
  return comparisons.find((c) => c.kind === kind && c.a === a.key && c.b === b.key);
}

// A comparison with a caveat is marked; the caveat is printed once under its table.
const NOTE_MARK = '†';

function verdictCell(c: Comparison | undefined): string {
  if (!c) return '';
  return c.note ? `${comparisonCell(c)} ${NOTE_MARK}` : comparisonCell(c);
}

function withNotes(text: string, comparisons: readonly (Comparison | undefined)[]): string {
  const notes = [...new Set(comparisons.map((c) => c?.note).filter((n): n is string => n !== undefined))];
  return notes.length === 0 ? text : `${text}\n${notes.map((n) => `${NOTE_MARK} ${n}`).join('\n')}`;
}

function keysOf(cells: CellSummary[]): string[] {
  const keys = [...new Set(cells.map(pairKey))];
  return cells[0]?.workload === 'scaling' ? keys.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))) : keys;
}

function vmVsBaremetal(summary: RunSummary, workload: Exclude<Workload, 'server' | 'offline'>): string | undefined {
  const cells = summary.cells.filter((c) => c.workload === workload);
  if (cells.length === 0) return undefined;
  const metric = WORKLOAD_METRIC[workload];
  const unit = metric.unit === 'ms' ? 'mean ms' : 'img/s';
  const multistream = workload === 'multistream';
  const head = ['precision', workload === 'scaling' ? 'instances' : 'config', `VM ${unit}`, `bare metal ${unit}`, ...(multistream ? ['batch VM / bare metal'] : []), 'VM vs bare metal'];
  const t = new Table(wrapped(head));
  const shown: (Comparison | undefined)[] = [];
  const extra = workload === 'latency' ? (c: CellSummary) => `(${c.threads} thread${c.threads === 1 ? '' : 's'})` : undefined;
  for (const p of PRECISIONS) {
    for (const key of keysOf(cells)) {
      const vm = cells.find((c) => c.precision === p && c.target === 'vm' && pairKey(c) === key);
      const bm = cells.find((c) => c.precision === p && c.target === 'baremetal' && pairKey(c) === key);
      if (!vm && !bm) continue;
      const batch = (c: CellSummary | undefined): string => (c && c.status === 'completed' ? String(c.multistream?.batch_found ?? c.batch) : '-');
      const where = workload === 'scaling' ? key.slice(1) : key;
      const comparison = findComparison(summary.comparisons, 'vm_vs_baremetal', vm, bm);
      shown.push(comparison);
      t.push([p, where, show(vm, extra), show(bm, extra), ...(multistream ? [`${batch(vm)} / ${batch(bm)}`] : []), verdictCell(comparison)]);
    }
  }
  const bound = cells.find((c) => c.multistream)?.multistream;
  const titles: Record<Exclude<Workload, 'server' | 'offline'>, string> = {
    latency: 'Single image latency (batch 1, lower is better; mean ± 95% CI over trials)',
    throughput: 'Large batch throughput (mean ± 95% CI over trials)',
    scaling: 'Throughput scaling (img/s summed over instances, batch 1; mean ± 95% CI)',
    multistream: `Multistream throughput (largest batch with ${bound?.statistic ?? 'mean'} latency <= ${bound?.bound_ms ?? '?'} ms)`,
  };
  return withNotes(`${titles[workload]}\n${t.toString()}`, shown);
}

function comparisonTable(summary: RunSummary, kind: 'int8_vs_fp32' | 'scaling', title: string): string | undefined {
  const rows = summary.comparisons.filter((c) => c.kind === kind);
  if (rows.length === 0) return undefined;
  const byKey = new Map(summary.cells.map((c) => [c.key, c]));
  const t = new Table(wrapped(['workload', 'target', kind === 'scaling' ? 'precision' : 'config', 'a', 'b', 'verdict']));
  for (const c of rows) {
    const a = byKey.get(c.a);
    const b = byKey.get(c.b);
    const label = (cell: CellSummary | undefined): string => (cell ? `${kind === 'scaling' ? `${cell.instances} inst: ` : `${cell.precision}: `}${show(cell)}` : '-');
    t.push([c.workload, c.target, kind === 'scaling' ? c.precision : c.workload === 'scaling' ? `${c.instances} inst` : c.configuration, label(a), label(b), verdictCell(c)]);
  }
  return `${title}\n${t.toString()}`;
}

/** Every table of a run summary, as printable text blocks. */
export function renderTables(summary: RunSummary): string[] {
  const out: string[] = [];
  const verdict: VerdictCell = (vm, bm) => {
    const comparison = findComparison(summary.comparisons, 'vm_vs_baremetal', vm, bm);
    return { text: verdictCell(comparison), comparison };
  };
  for (const workload of WORKLOADS) {
    if (workload === 'server' || workload === 'offline') {
      if (!summary.cells.some((c) => c.workload === workload)) continue;
      const { text, shown } = (workload === 'server' ? serverTable : offlineTable)(summary, verdict);
      out.push(withNotes(text, shown));
      continue;
    }
    const table = vmVsBaremetal(summary, workload);
    if (table) out.push(table);
  }
  const speedup = comparisonTable(summary, 'int8_vs_fp32', 'int8 vs fp32');
  if (speedup) out.push(speedup);
  const scaling = comparisonTable(summary, 'scaling', 'Scaling: N instances vs the fewest');
  if (scaling) out.push(scaling);
  const untrusted = summary.cells.filter((c) => cellState(c) !== 'VALID');
  if (untrusted.length > 0) out.push(['Cells that are not VALID:', ...untrusted.map((c) => `  ${c.key}: ${cellStateText(c)}`)].join('\n'));
  return out;
}

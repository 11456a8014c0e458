// The terminal tables printed at the end of a run, shaped like the paper's figures: per
// workload VM vs bare metal with the ratio (or overhead %), then int8 vs fp32 speedup.
import Table from 'cli-table3';
import type { Precision } from '../../agent/protocol.js';
import type { CellSummary, RunSummary, Workload } from '../results/types.js';
import { tableOptions } from './table-style.js';
import { formatMeasure, formatPercent, formatRatio } from './format-number.js';
import { offlineTable, serverTable } from './serving-tables.js';

const PRECISIONS: Precision[] = ['fp32', 'int8'];

/** A cell's headline number: mean latency (ms) for latency, images/s otherwise. */
export function headline(cell: CellSummary): number | null {
  if (cell.status !== 'completed') return null;
  return cell.workload === 'latency' ? (cell.latency_ms?.mean ?? null) : cell.throughput_ips;
}

function show(cell: CellSummary | undefined, extra?: (c: CellSummary) => string): string {
  if (!cell) return '';
  if (cell.status !== 'completed') return 'failed';
  return `${formatMeasure(headline(cell))}${cell.valid ? '' : '*'}${extra ? ` ${extra(cell)}` : ''}`;
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;
}

/** How cells of one workload pair up between VM and bare metal. */
function pairKey(cell: CellSummary): string {
  return cell.workload === 'scaling' ? `n${cell.instances}` : cell.configuration;
}

/** The config column of the speedup table: scaling rows name their instance count too. */
function configLabel(cell: CellSummary): string {
  if (cell.workload !== 'scaling') return cell.configuration;
  return cell.target === 'vm' ? `${cell.configuration} (${cell.instances} VM${cell.instances === 1 ? '' : 's'})` : `${cell.instances} process${cell.instances === 1 ? '' : 'es'}`;
}

function cellsOf(summary: RunSummary, workload: Workload): CellSummary[] {
  return summary.cells.filter((c) => c.workload === workload);
}

function find(cells: CellSummary[], precision: Precision, target: 'vm' | 'baremetal', key: string): CellSummary | undefined {
  return cells.find((c) => c.precision === precision && c.target === target && pairKey(c) === key);
}

function keysOf(cells: CellSummary[]): string[] {
  const keys = [...new Set(cells.map(pairKey))];
  return cells[0]?.workload === 'scaling' ? keys.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))) : keys;
}

function titled(title: string, table: Table.Table): string {
  return `${title}\n${table.toString()}`;
}

function latencyTable(cells: CellSummary[]): string {
  const t = new Table(tableOptions(['precision', 'config', 'VM mean ms (threads)', 'bare metal mean ms (threads)', 'VM overhead']));
  for (const p of PRECISIONS) {
    for (const key of keysOf(cells)) {
      const vm = find(cells, p, 'vm', key);
      const bm = find(cells, p, 'baremetal', key);
      if (!vm && !bm) continue;
      const r = ratio(vm ? headline(vm) : null, bm ? headline(bm) : null);
      t.push([p, key, show(vm, (c) => `(${c.threads})`), show(bm, (c) => `(${c.threads})`), formatPercent(r === null ? null : (r - 1) * 100)]);
    }
  }
  return titled('Single image latency (batch 1, lower is better)', t);
}

function throughputTable(cells: CellSummary[], title: string): string {
  const t = new Table(tableOptions(['precision', 'config', 'instances', 'VM img/s', 'bare metal img/s', 'VM / bare metal']));
  for (const p of PRECISIONS) {
    for (const key of keysOf(cells)) {
      const vm = find(cells, p, 'vm', key);
      const bm = find(cells, p, 'baremetal', key);
      if (!vm && !bm) continue;
      t.push([p, key, String((vm ?? bm)?.instances ?? ''), show(vm), show(bm), formatRatio(ratio(vm ? headline(vm) : null, bm ? headline(bm) : null))]);
    }
  }
  return titled(title, t);
}

function scalingTable(cells: CellSummary[]): string {
  const t = new Table(tableOptions(['instances', 'fp32 VM', 'fp32 bare metal', 'fp32 VM/BM', 'int8 VM', 'int8 bare metal', 'int8 VM/BM']));
  for (const key of keysOf(cells)) {
    const row = [key.slice(1)];
    for (const p of PRECISIONS) {
      const vm = find(cells, p, 'vm', key);
      const bm = find(cells, p, 'baremetal', key);
      row.push(show(vm), show(bm), formatRatio(ratio(vm ? headline(vm) : null, bm ? headline(bm) : null)));
    }
    t.push(row);
  }
  return titled('Throughput scaling (img/s summed over instances, batch 1)', t);
}

function multistreamTable(cells: CellSummary[]): string {
  const bound = cells.find((c) => c.multistream)?.multistream;
  const t = new Table(tableOptions(['precision', 'config', 'VM batch', 'VM img/s', 'bare metal batch', 'bare metal img/s', 'VM / bare metal']));
  for (const p of PRECISIONS) {
    for (const key of keysOf(cells)) {
      const vm = find(cells, p, 'vm', key);
      const bm = find(cells, p, 'baremetal', key);
      if (!vm && !bm) continue;
      const batch = (c: CellSummary | undefined): string => (c && c.status === 'completed' ? String(c.multistream?.batch_found ?? c.batch) : '');
      t.push([p, key, batch(vm), show(vm), batch(bm), show(bm), formatRatio(ratio(vm ? headline(vm) : null, bm ? headline(bm) : null))]);
    }
  }
  const title = `Multistream throughput (largest batch with ${bound?.statistic ?? 'mean'} latency <= ${bound?.bound_ms ?? '?'} ms)`;
  return titled(title, t);
}

function speedupTable(summary: RunSummary): string | undefined {
  const t = new Table(tableOptions(['workload', 'target', 'config', 'fp32', 'int8', 'int8 speedup']));
  const seen = new Set<string>();
  for (const c of summary.cells) {
    const id = `${c.workload}|${c.target}|${pairKey(c)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const same = (p: Precision): CellSummary | undefined => summary.cells.find((x) => x.workload === c.workload && x.target === c.target && pairKey(x) === pairKey(c) && x.precision === p);
    const fp32 = same('fp32');
    const int8 = same('int8');
    if (!fp32 || !int8) continue;
    const a = headline(fp32);
    const b = headline(int8);
    // Latency: time ratio fp32/int8; throughput: int8/fp32. Both read "x times faster".
    const speedup = c.workload === 'latency' ? ratio(a, b) : ratio(b, a);
    const unit = c.workload === 'latency' ? ' ms' : ' img/s';
    t.push([c.workload, c.target, configLabel(c), `${show(fp32)}${unit}`, `${show(int8)}${unit}`, formatRatio(speedup)]);
  }
  return t.length > 0 ? titled('int8 vs fp32', t) : undefined;
}

const builders: Record<Workload, (cells: CellSummary[]) => string> = {
  latency: latencyTable,
  throughput: (cells) => throughputTable(cells, 'Large batch throughput'),
  scaling: scalingTable,
  multistream: multistreamTable,
  server: serverTable,
  offline: offlineTable,
};

/** Every table of a run summary, as printable text blocks ('*' marks cells flagged invalid). */
export function renderTables(summary: RunSummary): string[] {
  const out: string[] = [];
  for (const workload of Object.keys(builders) as Workload[]) {
    const cells = cellsOf(summary, workload);
    if (cells.length > 0) out.push(builders[workload](cells));
  }
  const speedup = speedupTable(summary);
  if (speedup) out.push(speedup);
  if (summary.cells.some((c) => c.status === 'completed' && !c.valid)) out.push('* flagged invalid (see flags in summary.json)');
  return out;
}

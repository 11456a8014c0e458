// Terminal tables of the open-loop scenarios (beyond the study): server (QPS found within the
// p99 bound, tail latency, LoadGen validity, VM vs bare metal) and offline (throughput).
import Table from 'cli-table3';
import type { CellSummary } from '../results/types.js';
import { formatMeasure, formatPercent, formatRatio } from './format-number.js';
import { SERVER_TAIL_HEADERS, serverTailColumns } from './server-columns.js';
import { offlineComparisons, serverComparisons } from './serving-comparisons.js';
import { tableOptions } from './table-style.js';

const targetLabel = (c: CellSummary): string => (c.target === 'vm' ? 'VM' : 'bare metal');
const mark = (c: CellSummary): string => (c.valid ? '' : '*');

/** What LoadGen would say of the run, in a few words. */
function validityWords(c: CellSummary): string {
  const v = c.server?.validity ?? c.offline?.validity;
  if (c.status !== 'completed') return `failed: ${c.error ?? 'no reason recorded'}`;
  if (!v) return '-';
  if (v.reasons.length === 0) return c.valid ? 'VALID' : `INVALID: ${c.flags.join(', ')}`;
  return `INVALID: ${v.reasons.join('; ')}`;
}

export function serverTable(cells: CellSummary[]): string {
  const bound = cells.find((c) => c.server)?.server?.bound_ms;
  const t = new Table(tableOptions(['precision', 'target', 'config', 'inst', 'QPS found', 'closed-loop QPS', 'found / closed', ...SERVER_TAIL_HEADERS, 'LoadGen validity']));
  for (const c of cells) {
    const s = c.server;
    const fraction = s && s.closed_loop_qps ? s.qps_found / s.closed_loop_qps : null;
    t.push([
      c.precision,
      targetLabel(c),
      c.configuration,
      String(c.instances),
      c.status === 'completed' ? `${formatMeasure(s?.qps_found)}${mark(c)}` : 'failed',
      formatMeasure(s?.closed_loop_qps),
      fraction === null ? '-' : `${(fraction * 100).toFixed(0)}%`,
      ...serverTailColumns(s),
      validityWords(c),
    ]);
  }
  const out = [`Server scenario, beyond the study (highest Poisson QPS with p99 <= ${bound ?? '?'} ms; latency includes queueing)`, t.toString()];
  const comparisons = serverComparisons(cells);
  if (comparisons.length > 0) {
    const v = new Table(tableOptions(['precision', 'config', 'VM / bare metal QPS found', 'common QPS', 'VM p99 ms', 'bare metal p99 ms', 'VM p99 overhead', 'how']));
    for (const k of comparisons) {
      v.push([
        k.precision,
        k.configuration,
        `${formatRatio(k.qps_ratio)}${k.fromInvalid ? '*' : ''}`,
        formatMeasure(k.common_qps),
        formatMeasure(k.vm_p99_ms),
        formatMeasure(k.baremetal_p99_ms),
        formatPercent(k.p99_ratio === null ? null : (k.p99_ratio - 1) * 100),
        k.how,
      ]);
    }
    out.push(`Server scenario: VM vs bare metal\n${v.toString()}`);
  }
  return out.join('\n');
}

export function offlineTable(cells: CellSummary[]): string {
  const t = new Table(tableOptions(['precision', 'target', 'config', 'inst', 'max batch', 'sessions', 'queries', 'mean batch', 'img/s', 'VM / bare metal', 'LoadGen validity']));
  const comparisons = offlineComparisons(cells);
  for (const c of cells) {
    const o = c.offline;
    const ratio = comparisons.find((k) => k.vm === c)?.ratio ?? null;
    t.push([
      c.precision,
      targetLabel(c),
      c.configuration,
      String(c.instances),
      String(o?.max_batch ?? c.batch),
      String(o?.concurrency ?? '-'),
      o ? String(o.queries) : '-',
      formatMeasure(o?.mean_batch),
      c.status === 'completed' ? `${formatMeasure(c.throughput_ips)}${mark(c)}` : 'failed',
      c.target === 'vm' ? formatRatio(ratio) : '',
      validityWords(c),
    ]);
  }
  return `Offline scenario, beyond the study (all queries available at the start, batched up to max batch)\n${t.toString()}`;
}

// Terminal tables of the open-loop scenarios (beyond the study): server (QPS found within the
// p99 bound, served QPS over trials, tail latency, LoadGen validity, VM vs bare metal) and
// offline (throughput). Verdicts come from summary.comparisons; nothing is computed here.
import Table from 'cli-table3';
import { TARGET_LABELS } from '../core/vocabulary.js';
import type { CellSummary, Comparison, RunSummary } from '../results/types.js';
import { formatMeasure } from './format-number.js';
import { SERVER_TAIL_HEADERS, serverTailColumns } from './server-columns.js';
import { serverLatencyAtCommonRate } from './server-common-rate.js';
import { tableOptions } from './table-style.js';
import { cellStateText, formatEstimate, headlineEstimate } from './verdict-text.js';

/** The verdict column of a VM row (its VM vs bare metal comparison), as the other tables show it. */
export type VerdictCell = (vm: CellSummary | undefined, bm: CellSummary | undefined) => { text: string; comparison: Comparison | undefined };

const served = (c: CellSummary): string => (c.status === 'completed' ? formatEstimate(headlineEstimate(c)) : 'failed');
const twin = (cells: readonly CellSummary[], c: CellSummary): CellSummary | undefined =>
  cells.find((x) => x.target === 'baremetal' && x.precision === c.precision && x.configuration === c.configuration);

interface ServingRows {
  table: Table.Table;
  cells: CellSummary[];
  shown: (Comparison | undefined)[];
}

/** One row per cell of `workload`: who it is, the scenario's own `columns`, its verdict and validity. */
function servingRows(summary: RunSummary, workload: 'server' | 'offline', verdict: VerdictCell, headers: string[], columns: (c: CellSummary) => string[]): ServingRows {
  const cells = summary.cells.filter((c) => c.workload === workload);
  const table = new Table(tableOptions(['precision', 'target', 'config', 'inst', ...headers, 'VM vs bare metal', 'validity (LoadGen, noise)']));
  const shown: (Comparison | undefined)[] = [];
  for (const c of cells) {
    const v = c.target === 'vm' ? verdict(c, twin(cells, c)) : undefined;
    shown.push(v?.comparison);
    table.push([c.precision, TARGET_LABELS[c.target], c.configuration, String(c.instances), ...columns(c), v?.text ?? '', cellStateText(c)]);
  }
  return { table, cells, shown };
}

export function serverTable(summary: RunSummary, verdict: VerdictCell): { text: string; shown: (Comparison | undefined)[] } {
  const { table, cells, shown } = servingRows(summary, 'server', verdict, ['QPS found', 'closed-loop QPS', 'found / closed', 'served QPS (95% CI)', ...SERVER_TAIL_HEADERS], (c) => {
    const s = c.server;
    const fraction = s && s.closed_loop_qps ? s.qps_found / s.closed_loop_qps : null;
    return [formatMeasure(s?.qps_found), formatMeasure(s?.closed_loop_qps), fraction === null ? '-' : `${(fraction * 100).toFixed(0)}%`, served(c), ...serverTailColumns(s)];
  });
  const bound = cells.find((c) => c.server)?.server?.bound_ms;
  const out = [`Server scenario, beyond the study (highest Poisson QPS with p99 <= ${bound ?? '?'} ms, then the trials at that rate; latency includes queueing)`, table.toString()];
  const common = serverLatencyAtCommonRate(cells);
  if (common.length > 0) {
    const v = new Table(tableOptions(['precision', 'config', 'common QPS', 'VM p99 ms', 'bare metal p99 ms', 'how']));
    for (const k of common) v.push([k.precision, k.configuration, formatMeasure(k.common_qps), formatMeasure(k.vm_p99_ms), formatMeasure(k.baremetal_p99_ms), k.how]);
    out.push(`Server scenario: tail latency of VM and bare metal at a common offered rate\n${v.toString()}`);
  }
  return { text: out.join('\n'), shown };
}

export function offlineTable(summary: RunSummary, verdict: VerdictCell): { text: string; shown: (Comparison | undefined)[] } {
  const { table, shown } = servingRows(summary, 'offline', verdict, ['max batch', 'sessions', 'queries', 'mean batch', 'img/s (95% CI)'], (c) => {
    const o = c.offline;
    return [String(o?.max_batch ?? c.batch), String(o?.concurrency ?? '-'), o ? String(o.queries) : '-', formatMeasure(o?.mean_batch), served(c)];
  });
  return { text: `Offline scenario, beyond the study (all queries available at the start, batched up to max batch)\n${table.toString()}`, shown };
}

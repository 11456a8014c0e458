// The run's cells as CSV for spreadsheets: one row per cell with its statistics over trials,
// state and reasons, and the comparisons in which it is side a (read from the records).
import type { CellSummary, Comparison, ComparisonKind, RunSummary } from '../results/types.js';
import { cellReasons, cellState } from './verdict-text.js';

/** One CSV field, quoted when it holds a comma, quote or newline (RFC 4180). */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

type Value = string | number | boolean | null | undefined;
type Column = [string, (c: CellSummary, runId: string, comparisons: readonly Comparison[]) => Value];

const done = (c: CellSummary) => (c.status === 'completed' ? c : undefined);

function comparisonColumns(kind: ComparisonKind): Column[] {
  const of = (c: CellSummary, list: readonly Comparison[]): Comparison | undefined => list.find((x) => x.kind === kind && x.a === c.key);
  return [
    [`${kind}_ratio`, (c, _r, l) => of(c, l)?.ratio],
    [`${kind}_ci95_low`, (c, _r, l) => of(c, l)?.ci95?.[0]],
    [`${kind}_ci95_high`, (c, _r, l) => of(c, l)?.ci95?.[1]],
    [`${kind}_verdict`, (c, _r, l) => of(c, l)?.verdict],
  ];
}

const columns: Column[] = [
  ['run_id', (_c, runId) => runId],
  ['key', (c) => c.key],
  ['workload', (c) => c.workload],
  ['precision', (c) => c.precision],
  ['target', (c) => c.target],
  ['configuration', (c) => c.configuration],
  ['instances', (c) => c.instances],
  ['vcpus_per_instance', (c) => c.vcpus_per_instance],
  ['memory_gb_per_instance', (c) => c.memory_gb_per_instance],
  ['batch', (c) => c.batch],
  ['threads', (c) => c.threads],
  ['status', (c) => c.status],
  ['state', (c) => cellState(c)],
  ['reasons', (c) => cellReasons(c).join('; ')],
  ['flags', (c) => done(c)?.flags.join(';')],
  ['trials', (c) => c.trials.filter((t) => t.status === 'completed').length],
  ['throughput_ips_mean', (c) => done(c)?.throughput_ips.mean],
  ['throughput_ips_sd', (c) => done(c)?.throughput_ips.sd],
  ['throughput_ips_cv', (c) => done(c)?.throughput_ips.cv],
  ['throughput_ips_ci95_low', (c) => done(c)?.throughput_ips.ci95?.[0]],
  ['throughput_ips_ci95_high', (c) => done(c)?.throughput_ips.ci95?.[1]],
  ['latency_mean_ms', (c) => done(c)?.latency_mean_ms.mean],
  ['latency_mean_ms_sd', (c) => done(c)?.latency_mean_ms.sd],
  ['latency_mean_ms_ci95_low', (c) => done(c)?.latency_mean_ms.ci95?.[0]],
  ['latency_mean_ms_ci95_high', (c) => done(c)?.latency_mean_ms.ci95?.[1]],
  ['latency_p50_ms', (c) => done(c)?.latency_ms.p50],
  ['latency_p90_ms', (c) => done(c)?.latency_ms.p90],
  ['latency_p99_ms', (c) => done(c)?.latency_ms.p99],
  ['latency_max_ms', (c) => done(c)?.latency_ms.max],
  ['first_inference_ms', (c) => done(c)?.first_inference_ms],
  ['start_skew_ms', (c) => done(c)?.start_skew_ms],
  ['window_s', (c) => done(c)?.window_s],
  ['multistream_batch_found', (c) => c.multistream?.batch_found],
  ['multistream_bound_ms', (c) => c.multistream?.bound_ms],
  ['multistream_statistic', (c) => c.multistream?.statistic],
  ['server_bound_ms', (c) => c.server?.bound_ms],
  ['server_qps_found', (c) => c.server?.qps_found],
  ['server_closed_loop_qps', (c) => c.server?.closed_loop_qps],
  ['server_p999_ms', (c) => c.server?.latency_ms?.p999],
  ['server_over_bound_fraction', (c) => c.server?.over_bound_fraction],
  ['serving_queries', (c) => c.server?.queries ?? c.offline?.queries],
  ['serving_concurrency', (c) => c.server?.concurrency ?? c.offline?.concurrency],
  ['serving_max_batch', (c) => c.server?.max_batch ?? c.offline?.max_batch],
  ['serving_max_queue_delay_ms', (c) => c.server?.max_queue_delay_ms],
  ['serving_validity', (c) => (c.server ?? c.offline)?.validity.reasons.join('; ')],
  ['peak_rss_bytes_max', (c) => {
    const rss = c.per_instance.map((i) => i.peak_rss_bytes).filter((v): v is number => typeof v === 'number');
    return rss.length ? Math.max(...rss) : null;
  }],
  ...comparisonColumns('vm_vs_baremetal'),
  ...comparisonColumns('int8_vs_fp32'),
  ['error', (c) => (c.status === 'failed' ? c.error : undefined)],
];

/** The CSV text (header + one row per cell, CRLF line ends as RFC 4180 says). */
export function renderCsv(summary: RunSummary): string {
  const lines = [columns.map(([name]) => name).join(',')];
  for (const cell of summary.cells) lines.push(columns.map(([, get]) => csvField(get(cell, summary.run_id, summary.comparisons))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

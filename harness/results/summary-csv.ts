// summary.csv: one row per cell with the headline numbers, for spreadsheets.
import type { CellSummary, RunSummary } from './types.js';

const columns: [string, (c: CellSummary) => string | number | boolean | null | undefined][] = [
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
  ['valid', (c) => c.valid],
  ['flags', (c) => c.flags.join(' ')],
  ['throughput_ips', (c) => c.throughput_ips],
  ['latency_mean_ms', (c) => c.latency_ms?.mean],
  ['latency_p50_ms', (c) => c.latency_ms?.p50],
  ['latency_p90_ms', (c) => c.latency_ms?.p90],
  ['latency_p99_ms', (c) => c.latency_ms?.p99],
  ['latency_max_ms', (c) => c.latency_ms?.max],
  ['first_inference_ms', (c) => c.first_inference_ms],
  ['start_skew_ms', (c) => c.start_skew_ms],
  ['window_s', (c) => c.window_s],
  ['peak_rss_bytes_max', (c) => {
    const rss = c.per_instance.map((i) => i.peak_rss_bytes).filter((v): v is number => v !== null);
    return rss.length > 0 ? Math.max(...rss) : null;
  }],
  ['error', (c) => c.error],
];

function field(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of a summary (header + one line per cell). */
export function summaryCsv(summary: RunSummary): string {
  const lines = [columns.map(([name]) => name).join(',')];
  for (const cell of summary.cells) lines.push(columns.map(([, get]) => field(get(cell))).join(','));
  return `${lines.join('\n')}\n`;
}

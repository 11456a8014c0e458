// The tail-latency columns of a server cell, formatted once for the terminal and the report.
import type { ServerInfo } from '../results/types.js';
import { formatMeasure } from './format-number.js';

export const SERVER_TAIL_HEADERS = ['p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'over bound', 'queries'] as const;

/** p50/p90/p99/p99.9 of the confirming run, the share over the bound and the query count. */
export function serverTailColumns(s: ServerInfo | undefined): string[] {
  return [
    formatMeasure(s?.latency_ms?.p50),
    formatMeasure(s?.latency_ms?.p90),
    formatMeasure(s?.latency_ms?.p99),
    formatMeasure(s?.latency_ms?.p999),
    s ? `${(s.over_bound_fraction * 100).toFixed(2)}%` : '-',
    s ? String(s.queries) : '-',
  ];
}

// Latency statistics from raw samples. Percentiles are nearest-rank over one pooled,
// sorted sample set: never averaged across instances. Also the rounding every figure of
// summary.json is stored with, and each batch's time from an instance's raw samples.
import type { LatencyStats } from './types.js';

/** Rounded as summary.json stores figures (3 decimals unless said). */
export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Latency statistics rounded like every figure; null stays null. */
export function roundStats(s: LatencyStats): LatencyStats;
export function roundStats(s: LatencyStats | null): LatencyStats | null;
export function roundStats(s: LatencyStats | null): LatencyStats | null {
  return s && { mean: round(s.mean), p50: round(s.p50), p90: round(s.p90), p99: round(s.p99), max: round(s.max) };
}

/** The time of each measured batch of one instance, ms (end - start). */
export function batchTimes(raw: { readonly starts_ms: readonly number[]; readonly ends_ms: readonly number[] }): number[] {
  return raw.starts_ms.map((s, k) => (raw.ends_ms[k] as number) - s);
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Mean, p50/p90/p99 and max of raw samples (ms); null when there are none. */
export function latencyStats(samples: readonly number[]): LatencyStats | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] as number,
  };
}

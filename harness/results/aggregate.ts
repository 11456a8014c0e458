// Pure aggregation of one trial's raw samples: the all-active window, throughput in it,
// pooled latency percentiles, start skew and the validity flags of DESIGN.md.
import type { Measure } from '../config/types.js';
import type { InstanceRaw } from './cell-record.js';
import type { Flag } from './flags.js';
import { batchTimes, latencyStats, round, roundStats } from './percentiles.js';
import type { InstanceSummary, LatencyStats } from './types.js';

export interface AggregateInput {
  instances: readonly InstanceRaw[];
  /** What was asked: minimum steps, warmup, duration. */
  measure: Measure;
  /** Skew above this fraction of the window flags the cell. @default 0.05 */
  maxSkewFraction?: number;
}

interface AggregateBase {
  /** Validity checks that failed. */
  flags: Flag[];
  start_skew_ms: number | null;
  per_instance: InstanceSummary[];
}

/** One trial measured: every instance completed and they overlapped. */
export interface CompletedAggregate extends AggregateBase {
  status: 'completed';
  throughput_ips: number;
  latency_ms: LatencyStats;
  first_inference_ms: number | null;
  window_s: number;
}

export interface FailedAggregate extends AggregateBase {
  status: 'failed';
  error: string;
}

/** The measured figures of one trial. */
export type Aggregate = CompletedAggregate | FailedAggregate;

/** Images of a batch sequence inside [from, to], prorated for batches crossing an edge. */
export function imagesInWindow(starts: readonly number[], ends: readonly number[], batch: number, from: number, to: number): number {
  let images = 0;
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i] as number;
    const e = ends[i] as number;
    if (e <= from || s >= to) continue;
    const span = e - s;
    images += span <= 0 ? batch : (batch * (Math.min(e, to) - Math.max(s, from))) / span;
  }
  return images;
}

/** The all-active window [max first start, min last end] in ms; null when instances never overlap. */
export function allActiveWindow(instances: readonly Pick<InstanceRaw, 'starts_ms' | 'ends_ms'>[]): { from: number; to: number } | null {
  if (instances.length === 0) return null;
  let from = -Infinity;
  let to = Infinity;
  for (const i of instances) {
    const first = i.starts_ms[0];
    const last = i.ends_ms[i.ends_ms.length - 1];
    if (first === undefined || last === undefined) return null;
    from = Math.max(from, first);
    to = Math.min(to, last);
  }
  return to > from ? { from, to } : null;
}

export function aggregateTrial(input: AggregateInput): Aggregate {
  const { instances, measure } = input;
  const maxSkewFraction = input.maxSkewFraction ?? 0.05;
  const flags: Flag[] = [];
  const failed = instances.filter((i) => i.status !== 'completed');
  const ran = instances.filter((i) => i.status === 'completed' && i.starts_ms.length > 0);

  const window = failed.length === 0 ? allActiveWindow(ran) : null;
  const windowMs = window ? window.to - window.from : null;
  const starts = instances.map((i) => i.started_at_ms).filter((v): v is number => v !== null);
  const skew = starts.length === instances.length && starts.length > 0 ? Math.max(...starts) - Math.min(...starts) : null;

  const perInstance: InstanceSummary[] = instances.map((i) => {
    const images = window ? imagesInWindow(i.starts_ms, i.ends_ms, i.batch, window.from, window.to) : 0;
    const latencies = batchTimes(i);
    const out: InstanceSummary = {
      name: i.name,
      host: i.host,
      status: i.status,
      throughput_ips: windowMs ? round((images / windowMs) * 1000) : 0,
      latency_ms: roundStats(latencyStats(latencies)),
      first_inference_ms: i.first_batch_ms === null ? null : round(i.first_batch_ms),
      steps: i.starts_ms.length,
      start_offset_ms: i.started_at_ms === null ? null : round(i.started_at_ms),
      peak_rss_bytes: i.peak_rss_bytes,
    };
    if (i.error !== undefined) out.error = i.error;
    if (i.cpus) out.cpus = i.cpus;
    if (i.notes && i.notes.length > 0) out.notes = i.notes;
    if (i.vm) out.vm = i.vm;
    return out;
  });

  if (failed.length > 0) flags.push('instance_failed');
  if (ran.some((i) => i.warmup_done < measure.warmup)) flags.push('warmup_incomplete');
  if (ran.some((i) => i.starts_ms.length < measure.steps)) flags.push('min_steps_not_met');
  if (measure.durationMs !== undefined) {
    const short = ran.some((i) => (i.ends_ms[i.ends_ms.length - 1] as number) - (i.starts_ms[0] as number) < (measure.durationMs as number));
    if (short) flags.push('min_duration_not_met');
  }
  if (ran.some((i) => i.stopped)) flags.push('stopped');
  if (failed.length === 0 && window === null) flags.push('no_common_window');
  if (skew !== null && windowMs !== null && skew > maxSkewFraction * windowMs) flags.push('skew_exceeds_bound');

  const pooled: number[] = [];
  for (const i of ran) pooled.push(...batchTimes(i));
  const firsts = instances.map((i) => i.first_batch_ms).filter((v): v is number => v !== null);

  let total = 0;
  if (window) for (const i of ran) total += imagesInWindow(i.starts_ms, i.ends_ms, i.batch, window.from, window.to);

  const base: AggregateBase = { flags, start_skew_ms: skew === null ? null : round(skew), per_instance: perInstance };
  const pooledStats = roundStats(latencyStats(pooled));
  if (failed.length > 0) {
    return { ...base, status: 'failed', error: failed.map((i) => (i.error?.includes(i.name) ? i.error : `${i.name}: ${i.error ?? i.status}`)).join('; ') };
  }
  if (window === null || windowMs === null || pooledStats === null) return { ...base, status: 'failed', error: 'instances never ran at the same time (no all-active window)' };
  return {
    ...base,
    status: 'completed',
    throughput_ips: round((total / windowMs) * 1000),
    latency_ms: pooledStats,
    // The slowest instance's first inference: what a user of the cell waits for.
    first_inference_ms: firsts.length > 0 ? round(Math.max(...firsts)) : null,
    window_s: round(windowMs / 1000, 6),
  };
}

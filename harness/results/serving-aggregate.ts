// Pure aggregation of an open-loop cell (server or offline): per-query latency (completion -
// scheduled arrival, queueing included) pooled over instances, completed queries per second,
// and LoadGen-style validity: every instance meets the minimum count and duration; for the
// server scenario the pooled queries pass early stopping on the bound.
import type { Aggregate } from './aggregate.js';
import type { InstanceRaw, ServingRaw } from './cell-record.js';
import type { Flag } from './flags.js';
import { countValidity, earlyStoppingCheck, type ValidityRules } from './loadgen-validity.js';
import { latencyStats, percentile, round, roundStats } from './percentiles.js';
import { queryLatencies } from './query-latencies.js';
import type { InstanceSummary, QueryLatencyStats, ServingValidity } from './types.js';

export interface ServingAggregateInput {
  instances: readonly InstanceRaw[];
  rules: ValidityRules;
  /** Server: the p99 bound (early stopping and the share over it); undefined for offline. */
  boundMs?: number;
}

/** What an open-loop run adds to a trial's aggregate. */
export interface ServingFigures {
  query_latency_ms: QueryLatencyStats | null;
  /** Scheduled queries, over all instances. */
  queries: number;
  unserved: number;
  /** Share of scheduled queries over the bound (unserved ones included); 0 without a bound. */
  over_bound_fraction: number;
  mean_batch: number | null;
  /** Origin to the last completion, s (the longest instance). */
  duration_s: number | null;
  validity: ServingValidity;
}

export type ServingAggregate = Aggregate & ServingFigures;

interface InstanceQueries {
  raw: InstanceRaw;
  serving: ServingRaw;
  latencies: number[];
  unserved: number;
  /** Last completion after the origin, ms. */
  spanMs: number;
}

function instanceQueries(raw: InstanceRaw): InstanceQueries | null {
  const serving = raw.serving;
  if (raw.status !== 'completed' || !serving) return null;
  const { latencies, unserved } = queryLatencies(serving.arrivals_ms, serving.sizes, raw.ends_ms);
  const lastEnd = raw.ends_ms.length > 0 ? Math.max(...raw.ends_ms) : serving.origin_ms;
  return { raw, serving, latencies, unserved, spanMs: lastEnd - serving.origin_ms };
}

function instanceSummary(raw: InstanceRaw, q: InstanceQueries | null): InstanceSummary {
  const served = q ? q.latencies.length : 0;
  const out: InstanceSummary = {
    name: raw.name,
    host: raw.host,
    status: raw.status,
    throughput_ips: q && q.spanMs > 0 ? round((served / q.spanMs) * 1000) : 0,
    latency_ms: roundStats(latencyStats(q?.latencies ?? [])),
    first_inference_ms: raw.first_batch_ms === null ? null : round(raw.first_batch_ms),
    steps: raw.starts_ms.length,
    start_offset_ms: raw.serving ? round(raw.serving.origin_ms) : null,
    peak_rss_bytes: raw.peak_rss_bytes,
  };
  if (raw.error !== undefined) out.error = raw.error;
  if (raw.cpus) out.cpus = raw.cpus;
  if (raw.notes && raw.notes.length > 0) out.notes = raw.notes;
  if (raw.vm) out.vm = raw.vm;
  return out;
}

export function aggregateServing(input: ServingAggregateInput): ServingAggregate {
  const { instances, rules, boundMs } = input;
  const failed = instances.filter((i) => i.status !== 'completed');
  const ran = instances.map(instanceQueries).filter((q): q is InstanceQueries => q !== null);
  const flags: Flag[] = [];
  if (failed.length > 0) flags.push('instance_failed');
  if (ran.some((q) => q.raw.stopped)) flags.push('stopped');
  if (ran.some((q) => q.serving.gave_up)) flags.push('gave_up_overloaded');
  if (ran.some((q) => q.serving.late_start_ms > 0)) flags.push('late_start');

  const pooled = ran.flatMap((q) => q.latencies);
  const unserved = ran.reduce((s, q) => s + q.unserved, 0);
  const queries = pooled.length + unserved;
  const sorted = [...pooled].sort((a, b) => a - b);
  const stats = latencyStats(sorted);
  const batches = ran.reduce((s, q) => s + q.serving.sizes.length, 0);

  // Count and duration per instance (the smallest counts); early stopping over the pooled queries.
  const server = boundMs !== undefined;
  const minQueries = ran.length > 0 ? Math.min(...ran.map((q) => q.serving.arrivals_ms.length)) : 0;
  const minSpan = ran.length > 0 ? Math.min(...ran.map((q) => (server ? (q.serving.arrivals_ms.at(-1) ?? 0) : q.spanMs))) : 0;
  const counted = countValidity(minQueries, minSpan, rules, server ? 'the last query was scheduled' : 'the last query completed');
  const validity: ServingValidity = { ...counted, min_queries: rules.minQueries, min_duration_ms: rules.minDurationMs };
  if (server) {
    const check = earlyStoppingCheck({ latenciesMs: pooled, unserved, boundMs });
    validity.early_stopping = check.early_stopping;
    validity.reasons.push(...check.reasons);
  }
  if (ran.some((q) => q.serving.late_start_ms > 0)) {
    const late = Math.max(...ran.map((q) => q.serving.late_start_ms));
    validity.reasons.push(`warmup ended ${round(late, 1)} ms after the common start (the schedule began late; raise startLeadMs)`);
  }
  if (!validity.min_queries_met) flags.push('min_queries_not_met');
  if (!validity.min_duration_met) flags.push('min_duration_not_met');
  if (validity.early_stopping && !validity.early_stopping.passed) flags.push('early_stopping_not_met');

  const origins = ran.map((q) => q.serving.origin_ms);
  const durationMs = ran.length > 0 ? Math.max(...ran.map((q) => q.spanMs)) : null;
  const throughput = ran.reduce((s, q) => s + (q.spanMs > 0 ? (q.latencies.length / q.spanMs) * 1000 : 0), 0);
  const firsts = instances.map((i) => i.first_batch_ms).filter((v): v is number => v !== null);
  const completed = failed.length === 0 && ran.length > 0 && pooled.length > 0;
  const figures: ServingFigures = {
    query_latency_ms: stats && { ...roundStats(stats), p999: round(percentile(sorted, 99.9)) },
    queries,
    unserved,
    over_bound_fraction: server && queries > 0 ? round((pooled.filter((l) => l > boundMs).length + unserved) / queries, 6) : 0,
    mean_batch: batches > 0 ? round(pooled.length / batches, 2) : null,
    duration_s: durationMs === null ? null : round(durationMs / 1000, 6),
    validity,
  };
  const base = {
    flags,
    start_skew_ms: origins.length === instances.length && origins.length > 0 ? round(Math.max(...origins) - Math.min(...origins)) : null,
    per_instance: instances.map((raw) => instanceSummary(raw, ran.find((q) => q.raw === raw) ?? null)),
    ...figures,
  };
  if (!completed || stats === null || durationMs === null) {
    const error = failed.length > 0 ? failed.map((i) => (i.error?.includes(i.name) ? i.error : `${i.name}: ${i.error ?? i.status}`)).join('; ') : 'no query was served';
    return { ...base, status: 'failed', error };
  }
  return {
    ...base,
    status: 'completed',
    throughput_ips: round(throughput),
    latency_ms: roundStats(stats),
    first_inference_ms: firsts.length > 0 ? round(Math.max(...firsts)) : null,
    window_s: round(durationMs / 1000, 6),
  };
}

// A cell's summary from its trials (pure): each trial aggregated on its own, then the
// statistics across trials (mean, sd, CV, Student t 95% CI), percentiles of the pooled raw
// samples, validity flags and noise findings turned into VALID / INVALID / NOISY with reasons.
import type { Measure, NoiseThresholds, ServingWorkload, WorkloadConfig } from '../config/types.js';
import { WORKLOAD_METRIC } from '../core/vocabulary.js';
import { aggregateTrial, type Aggregate } from './aggregate.js';
import type { CellSetup, InstanceRaw, TrialRecord } from './cell-record.js';
import { flagWords, type Flag } from './flags.js';
import { cellFindings, trialFindings, trialNoise } from './noise.js';
import { batchTimes, latencyStats, round, roundStats } from './percentiles.js';
import { queryLatencies } from './query-latencies.js';
import { aggregateServing, type ServingAggregate } from './serving-aggregate.js';
import { estimate } from './statistics.js';
import type { CellSummary, CompletedCell, CompletedTrial, InstanceSummary, LatencyStats, OfflineInfo, ServerInfo, TrialSummary } from './types.js';

/** What a cell is, before anything is measured. */
export type CellIdentity = Pick<
  CompletedCell,
  'key' | 'workload' | 'precision' | 'target' | 'configuration' | 'instances' | 'vcpus_per_instance' | 'memory_gb_per_instance' | 'batch' | 'threads' | 'repeats'
>;

export interface SummarizeInput {
  identity: CellIdentity;
  setup: CellSetup | null;
  trials: readonly TrialRecord[];
  notes: readonly string[];
  measure: Measure;
  /** The cell's workload: open-loop scenarios (server, offline) aggregate per query. */
  workload?: WorkloadConfig;
  maxSkewFraction: number;
  noise: NoiseThresholds;
  /** Why the cell could not be set up or was cut short; makes it failed. */
  error?: string;
}

// Per batch (closed loop), or per query from its scheduled arrival (open loop: queueing included).
function latencies(instances: readonly InstanceRaw[]): number[] {
  const out: number[] = [];
  for (const i of instances) {
    if (i.serving) out.push(...queryLatencies(i.serving.arrivals_ms, i.serving.sizes, i.ends_ms).latencies);
    else out.push(...batchTimes(i));
  }
  return out;
}

function servingOf(workload: WorkloadConfig | undefined): ServingWorkload | undefined {
  return workload?.kind === 'server' || workload?.kind === 'offline' ? workload : undefined;
}

/** One open-loop run's aggregate: the server's trials run at the rate found (probe rules when none was). */
function servingAggregate(w: ServingWorkload, setup: CellSetup | null, instances: readonly InstanceRaw[]): ServingAggregate {
  if (w.kind === 'offline') return aggregateServing({ instances, rules: w.run });
  const found = (setup?.serving?.qps_found_per_instance ?? 0) > 0;
  return aggregateServing({ instances, rules: found ? w.run : w.probe, boundMs: w.boundMs });
}

/** The `server` / `offline` record of a cell: its setup, and the pooled queries of its trials. */
function servingInfo(w: ServingWorkload, setup: CellSetup, trials: readonly TrialRecord[]): { server?: ServerInfo; offline?: OfflineInfo } {
  const pooled = servingAggregate(w, setup, trials.filter((t) => t.status === 'completed').flatMap((t) => t.instances));
  const s = setup.serving;
  const n = trials[0]?.instances.length ?? 0;
  const exec = { concurrency: w.concurrency, max_batch: w.maxBatch, max_queue_delay_ms: w.kind === 'server' ? w.maxQueueDelayMs : 0 };
  if (w.kind === 'offline') return { offline: { ...exec, queries: pooled.queries, mean_batch: pooled.mean_batch, duration_s: pooled.duration_s, validity: pooled.validity } };
  const validity = { ...pooled.validity, reasons: [...(s?.why_none ? [s.why_none] : []), ...pooled.validity.reasons] };
  return {
    server: {
      ...exec,
      bound_ms: w.boundMs,
      seed: w.seed,
      tolerance: w.tolerance,
      qps_found: round((s?.qps_found_per_instance ?? 0) * n),
      qps_per_instance: round(s?.qps_found_per_instance ?? 0),
      closed_loop_qps: s ? round(s.capacity_per_instance * n) : null,
      probes: s?.probes ?? [],
      latency_ms: pooled.query_latency_ms,
      over_bound_fraction: pooled.over_bound_fraction,
      queries: pooled.queries,
      unserved: pooled.unserved,
      mean_batch: pooled.mean_batch,
      validity,
    },
  };
}

// One row per instance over all trials: mean throughput, pooled latencies, worst status.
function perInstance(trials: readonly TrialRecord[], aggs: readonly Aggregate[]): InstanceSummary[] {
  const byName = new Map<string, { rows: InstanceSummary[]; raws: InstanceRaw[] }>();
  aggs.forEach((agg, t) => {
    const raws = trials[t]?.instances ?? [];
    for (const row of agg.per_instance) {
      const entry = byName.get(row.name) ?? { rows: [], raws: [] };
      entry.rows.push(row);
      const raw = raws.find((r) => r.name === row.name);
      if (raw) entry.raws.push(raw);
      byName.set(row.name, entry);
    }
  });
  return [...byName.values()].map(({ rows, raws }) => {
    const last = rows[rows.length - 1] as InstanceSummary;
    const bad = rows.find((r) => r.status !== 'completed');
    const stats = latencyStats(latencies(raws));
    const rss = rows.map((r) => r.peak_rss_bytes).filter((v): v is number => v !== null);
    const out: InstanceSummary = {
      ...last,
      status: bad?.status ?? 'completed',
      throughput_ips: round(rows.reduce((s, r) => s + r.throughput_ips, 0) / rows.length),
      latency_ms: stats && roundStats(stats),
      first_inference_ms: rows[0]?.first_inference_ms ?? null,
      steps: rows.reduce((s, r) => s + r.steps, 0),
      peak_rss_bytes: rss.length > 0 ? Math.max(...rss) : null,
    };
    if (bad?.error !== undefined) out.error = bad.error;
    else delete out.error;
    return out;
  });
}

// Flags whose open-loop validity reasons say more (which instance, how many queries, how late).
const SERVING_VALIDITY_FLAGS: readonly Flag[] = ['min_queries_not_met', 'min_duration_not_met', 'early_stopping_not_met', 'late_start', 'bound_not_met_at_any_qps'];

/** Why a cell is not valid, in words: LoadGen's reasons for open-loop cells, else the flags'. */
function validityReasons(flags: readonly Flag[], serving: ServerInfo | OfflineInfo | undefined): string[] {
  if (!serving) return flagWords(flags);
  return [...serving.validity.reasons, ...flagWords(flags.filter((f) => !SERVING_VALIDITY_FLAGS.includes(f)))];
}

/** The summary of a cell from its setup and trial records. */
export function summarizeCell(input: SummarizeInput): CellSummary {
  const { identity, setup, trials } = input;
  const serving = servingOf(input.workload);
  const aggs: Aggregate[] = trials.map((t) =>
    serving ? servingAggregate(serving, setup, t.instances) : aggregateTrial({ instances: t.instances, measure: input.measure, maxSkewFraction: input.maxSkewFraction }),
  );
  const summaries: TrialSummary[] = trials.map((t, k) => {
    const agg = aggs[k] as Aggregate;
    if (t.status === 'failed') return { status: 'failed', index: t.index, error: t.error };
    if (agg.status === 'failed') return { status: 'failed', index: t.index, error: agg.error };
    const noise = trialNoise(t.instances);
    const bound = setup?.multistream;
    const serverFound = serving?.kind === 'server' && (setup?.serving?.qps_found_per_instance ?? 0) > 0;
    const overBound: Flag[] =
      (bound && bound.batch_found > 0 && agg.latency_ms[bound.statistic] > bound.bound_ms) || (serverFound && serving.kind === 'server' && agg.latency_ms.p99 > serving.boundMs)
        ? ['bound_exceeded_in_confirming_run']
        : [];
    return {
      status: 'completed',
      index: t.index,
      throughput_ips: agg.throughput_ips,
      latency_mean_ms: agg.latency_ms.mean,
      window_s: agg.window_s,
      start_skew_ms: agg.start_skew_ms,
      // Early stopping judges the p99 claim on the cell's pooled queries (below), not per trial.
      flags: [...agg.flags.filter((f) => f !== 'early_stopping_not_met'), ...overBound],
      noise,
      // Open loop: batch times vary with the arrivals by design (idle gaps, batch sizes), so
      // their shape (outliers, skew) is no sign of disturbance; steal and preemption still are.
      noisy: trialFindings(noise, input.noise).filter((f) => !serving || (f.signal !== 'outliers' && f.signal !== 'skewed_latencies')),
    };
  });
  const base = {
    ...identity,
    per_instance: perInstance(trials, aggs),
    ...(setup ? { threads: setup.threads, batch: setup.batch } : {}),
    ...(setup?.thread_probes ? { thread_probes: setup.thread_probes } : {}),
    ...(setup?.multistream ? { multistream: setup.multistream } : {}),
    ...(serving && setup ? servingInfo(serving, setup, trials) : {}),
    ...(input.notes.length > 0 ? { notes: [...input.notes] } : {}),
  };
  const completed = summaries.filter((t): t is CompletedTrial => t.status === 'completed');
  const failedTrial = summaries.find((t) => t.status === 'failed');
  const error =
    input.error ??
    (failedTrial?.status === 'failed' ? `trial ${failedTrial.index + 1}: ${failedTrial.error}` : undefined) ??
    (completed.length < identity.repeats ? `only ${completed.length} of ${identity.repeats} trials completed` : undefined);
  if (error !== undefined || !setup) return { ...base, status: 'failed', error: error ?? 'not set up', trials: summaries };

  const throughput = estimate(completed.map((t) => t.throughput_ips));
  const latency = estimate(completed.map((t) => t.latency_mean_ms));
  const headline = WORKLOAD_METRIC[identity.workload].name;
  const earlyStopping: Flag[] = base.server?.validity.early_stopping?.passed === false ? ['early_stopping_not_met'] : [];
  const flags = [...new Set<Flag>([...setup.flags, ...completed.flatMap((t) => t.flags), ...earlyStopping])];
  const noise = cellFindings(completed, headline, headline === 'throughput_ips' ? throughput.cv : latency.cv, input.noise);
  const pooled = latencyStats(trials.filter((t) => t.status === 'completed').flatMap((t) => latencies(t.instances)));
  const firstAgg = aggs.find((a) => a.status === 'completed');
  const skews = completed.map((t) => t.start_skew_ms).filter((v): v is number => v !== null);
  // Throughput and latency are positive: a lower end below 0 (very noisy trials) is cut at 0.
  const rounded = (e: typeof throughput): typeof throughput => ({ n: e.n, mean: round(e.mean), sd: round(e.sd, 4), cv: round(e.cv, 5), ci95: e.ci95 && [Math.max(0, round(e.ci95[0], 4)), round(e.ci95[1], 4)] });
  const cell: CompletedCell = {
    ...base,
    status: 'completed',
    validity: flags.length > 0 ? 'invalid' : noise.length > 0 ? 'noisy' : 'valid',
    flags,
    noise,
    reasons: [...validityReasons(flags, base.server ?? base.offline), ...noise.map((n) => n.reason)],
    throughput_ips: rounded(throughput),
    latency_mean_ms: rounded(latency),
    latency_ms: roundStats(pooled as LatencyStats),
    first_inference_ms: firstAgg?.status === 'completed' ? firstAgg.first_inference_ms : null,
    start_skew_ms: skews.length > 0 ? round(Math.max(...skews)) : null,
    window_s: round(completed.reduce((s, t) => s + t.window_s, 0) / completed.length, 6),
    trials: completed,
  };
  return cell;
}

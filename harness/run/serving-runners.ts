// How the open-loop scenarios drive a cell (beyond the study): a closed-loop capacity probe
// first (an offline run: the most the instances can do), then
// - server: the QPS search between 0 and that capacity, then a confirming run at the rate found;
// - offline: one run sized, like LoadGen, to last the minimum duration at that capacity.
import { MAX_SCHEDULED_QUERIES } from '../../agent/poisson-schedule.js';
import type { ServingRun, ServingWorkload } from '../config/types.js';
import { perImage } from '../plan/estimate.js';
import { capacityProbeQueries } from '../plan/serving-capacity.js';
import type { InstanceRaw } from '../results/cell-record.js';
import { percentile } from '../results/percentiles.js';
import { queryLatencies } from '../results/query-latencies.js';
import { aggregateServing, type ServingAggregate } from '../results/serving-aggregate.js';
import type { OfflineInfo, ServerInfo, ServerProbe, ServingSetup } from '../results/types.js';
import { loadInstances } from './load-instances.js';
import { searchServerQps } from './qps-search.js';
import { serveSynchronized, type ServeBody } from './synchronized-serve.js';
import { CellRunError, type WorkloadEnv, type WorkloadOutcome } from './workload-runners.js';

const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;
const formatRate = (v: number): string => (v >= 10 ? v.toFixed(0) : v.toFixed(2));

interface ServingEnv extends WorkloadEnv {
  w: ServingWorkload;
  threads: number;
  /** Median time of one full batch, once the capacity probe measured it. */
  batchMs?: number;
}

/** Warmup time on every session plus, for worker sessions, their model load: all before the common start. */
function leadMs(env: ServingEnv, first: boolean): number {
  const { w, ctx, cell } = env;
  const imageMs = (perImage(ctx.config.model.arch, cell.precision) * 1000) / Math.max(1, Math.min(env.threads, 2));
  // Measured batch time when known (a busy machine is slower than the reference figures).
  const warmupMs = 2 * w.warmup * (env.batchMs ?? 1.5 * w.maxBatch * imageMs * w.concurrency);
  const workersMs = first && w.concurrency > 1 ? 5000 : 0;
  return ctx.config.startLeadMs + warmupMs + workersMs;
}

async function serve(env: ServingEnv, body: Omit<ServeBody, 'warmup' | 'concurrency' | 'maxBatch' | 'seed'>, first: boolean): Promise<InstanceRaw[]> {
  const { w, ctx } = env;
  if (ctx.signal?.aborted) throw new CellRunError('interrupted');
  const rate = body.qps ?? 0;
  const expectedMs = 4 * Math.max(body.minDurationMs, rate > 0 ? (body.minQueries / rate) * 1000 : 0) + 4 * body.minQueries * perImage(ctx.config.model.arch, env.cell.precision) * 1000;
  const full: ServeBody = { ...body, warmup: w.warmup, concurrency: w.concurrency, maxBatch: w.maxBatch, seed: w.kind === 'server' ? w.seed : 1 };
  if (w.kind === 'server') full.maxQueueDelayMs = w.maxQueueDelayMs;
  const raws = await serveSynchronized(env.instances, {
    body: full,
    threads: env.threads,
    leadMs: leadMs(env, first),
    expectedMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onProgress: (name, phase, done, total) => ctx.onPhase(`${body.scenario} ${phase} ${name} ${done}${total === null ? '' : `/${total}`}`),
  });
  const failed = raws.filter((r) => r.status !== 'completed');
  if (failed.length > 0) throw new CellRunError(failed.map((r) => `${r.name}: ${r.error ?? r.status}`).join('; '));
  return raws;
}

interface Capacity {
  /** Closed-loop queries/s of one instance. */
  perInstance: number;
  /** Median time of one batch in the probe, ms. */
  batchMs: number;
}

/** Closed-loop capacity of one instance: an offline run of a few batches per session. */
async function measureCapacity(env: ServingEnv): Promise<Capacity> {
  env.ctx.onPhase('capacity probe');
  const raws = await serve(env, { scenario: 'offline', minQueries: capacityProbeQueries(env.w), minDurationMs: 0 }, true);
  const agg = aggregateServing({ instances: raws, rules: { minQueries: 1, minDurationMs: 0 } });
  const total = agg.throughput_ips ?? 0;
  if (!(total > 0)) throw new CellRunError('the capacity probe served no query');
  const batches = raws.flatMap((r) => r.starts_ms.map((s, k) => (r.ends_ms[k] as number) - s)).sort((a, b) => a - b);
  env.batchMs = percentile(batches, 50);
  return { perInstance: total / env.instances.length, batchMs: env.batchMs };
}

function setupOf(env: ServingEnv): ServingSetup {
  const { w } = env;
  return { concurrency: w.concurrency, max_batch: w.maxBatch, max_queue_delay_ms: w.kind === 'server' ? w.maxQueueDelayMs : 0 };
}

async function prepare(env: WorkloadEnv): Promise<ServingEnv> {
  const w = env.cell.workload;
  if (w.kind !== 'server' && w.kind !== 'offline') throw new CellRunError(`cell ${env.cell.key} is not a server or offline cell`);
  // The instance's threads (configured, else its CPUs) shared by its sessions.
  const cpus = env.cell.threads ?? Math.min(...env.instances.map((i) => i.target.vcpus));
  const threads = Math.max(1, Math.floor(cpus / w.concurrency));
  env.ctx.onPhase(`load threads=${threads}`);
  await loadInstances(env.instances, { ...env.load, threads, batch: w.maxBatch });
  return { ...env, w, threads };
}

/** The outcome around an aggregate; `flags` are the runner's own (the aggregate keeps its flags). */
function outcomeOf(env: ServingEnv, raws: InstanceRaw[], agg: ServingAggregate, flags: string[]): Omit<WorkloadOutcome, 'server' | 'offline'> {
  const { query_latency_ms: _q, queries: _n, unserved: _u, over_bound_fraction: _o, mean_batch: _m, duration_s: _d, validity: _v, ...aggregate } = agg;
  return { raws, threads: env.threads, batch: env.w.maxBatch, flags, aggregate };
}

/** A probe's p99 (unserved queries count as infinitely late) and the share over the bound. */
function probeLatency(raws: InstanceRaw[], boundMs: number): { p99: number; overFraction: number; queries: number } {
  const all: number[] = [];
  for (const r of raws) {
    if (!r.serving) continue;
    const { latencies, unserved } = queryLatencies(r.serving.arrivals_ms, r.serving.sizes, r.ends_ms);
    all.push(...latencies, ...new Array<number>(unserved).fill(Infinity));
  }
  all.sort((a, b) => a - b);
  const over = all.filter((l) => l > boundMs).length;
  return { p99: all.length > 0 ? percentile(all, 99) : Infinity, overFraction: all.length > 0 ? over / all.length : 1, queries: all.length };
}

export async function serverRun(base: WorkloadEnv): Promise<WorkloadOutcome> {
  const env = await prepare(base);
  const w = env.w;
  if (w.kind !== 'server') throw new CellRunError(`cell ${env.cell.key} is not a server cell`);
  const n = env.instances.length;
  const { perInstance: capacity, batchMs } = await measureCapacity(env);
  const giveUpMs = Math.max(20 * w.boundMs, 1000);
  const probeRun = (qps: number, rules: ServingRun): Promise<InstanceRaw[]> =>
    serve(env, { scenario: 'server', qps, minQueries: rules.minQueries, minDurationMs: rules.minDurationMs, giveUpMs }, false);
  const probes: ServerProbe[] = [];
  let lastProbe: InstanceRaw[] = [];
  const probe = async (qps: number): Promise<{ p99Ms: number }> => {
    env.ctx.onPhase(`qps probe ${round(qps * n, 1)}/s`);
    lastProbe = await probeRun(qps, w.probe);
    const p = probeLatency(lastProbe, w.boundMs);
    probes.push({
      qps: round(qps * n),
      qps_per_instance: round(qps),
      p99_ms: Number.isFinite(p.p99) ? round(p.p99) : null,
      within_bound: p.p99 <= w.boundMs,
      over_bound_fraction: round(p.overFraction, 6),
      queries: p.queries,
    });
    return { p99Ms: p.p99 };
  };
  // One query alone already takes longer than the bound: no rate can meet it; one probe shows it.
  const hopeless = w.maxBatch === 1 && batchMs > w.boundMs;
  const found = hopeless
    ? (await probe(capacity / 2), 0)
    : (await searchServerQps({ boundMs: w.boundMs, capacityQps: capacity, tolerance: w.tolerance, maxProbes: w.maxProbes, probe })).qps;
  const flags: string[] = [];
  let raws: InstanceRaw[];
  if (found > 0) {
    env.ctx.onPhase(`confirming run at ${round(found * n, 1)}/s`);
    raws = await probeRun(found, w.run);
  } else {
    // Nothing to confirm: the cell keeps the last probe's samples, flagged.
    flags.push('bound_not_met_at_any_qps');
    raws = lastProbe;
  }
  const agg = aggregateServing({ instances: raws, rules: found > 0 ? w.run : w.probe, boundMs: w.boundMs });
  if (found > 0 && (agg.query_latency_ms?.p99 ?? Infinity) > w.boundMs) flags.push('bound_exceeded_in_confirming_run');
  if (found === 0) {
    const why = hopeless ? `one query alone takes ${round(batchMs, 1)} ms (median of the capacity probe)` : `the lowest rate tried, ${formatRate(Math.min(...probes.map((p) => p.qps)))} QPS, missed it`;
    agg.validity.reasons.unshift(`no offered rate kept the p99 within ${w.boundMs} ms: ${why}; the figures are from the last probe`);
  }
  const server: ServerInfo = {
    ...setupOf(env),
    bound_ms: w.boundMs,
    seed: w.seed,
    qps_found: round(found * n),
    qps_per_instance: round(found),
    closed_loop_qps: round(capacity * n),
    probes,
    latency_ms: agg.query_latency_ms,
    over_bound_fraction: agg.over_bound_fraction,
    queries: agg.queries,
    unserved: agg.unserved,
    mean_batch: agg.mean_batch,
    validity: agg.validity,
  };
  return { ...outcomeOf(env, raws, agg, flags), server };
}

export async function offlineRun(base: WorkloadEnv): Promise<WorkloadOutcome> {
  const env = await prepare(base);
  const w = env.w;
  const capacity = (await measureCapacity(env)).perInstance;
  // LoadGen sizes the offline query from the expected rate: 10% more than the minimum duration needs.
  const queries = Math.min(MAX_SCHEDULED_QUERIES, Math.max(w.run.minQueries, Math.ceil((capacity * w.run.minDurationMs * 1.1) / 1000)));
  env.ctx.onPhase(`offline run of ${queries} queries per instance`);
  const raws = await serve(env, { scenario: 'offline', minQueries: queries, minDurationMs: 0 }, false);
  const agg = aggregateServing({ instances: raws, rules: w.run });
  const offline: OfflineInfo = { ...setupOf(env), queries: agg.queries, mean_batch: agg.mean_batch, duration_s: agg.duration_s, validity: agg.validity };
  return { ...outcomeOf(env, raws, agg, []), offline };
}

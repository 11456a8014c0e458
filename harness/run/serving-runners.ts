// How the open-loop scenarios drive a cell (beyond the study). The setup, once per cell: a
// closed-loop capacity probe (an offline run: the most the instances can do), then
// - server: the QPS search between 0 and that capacity;
// - offline: the query count sized, like LoadGen, to last the minimum duration at that capacity.
// Each trial is then a confirming run at the rate found (server) or one offline run.
import { MAX_SCHEDULED_QUERIES } from '../../agent/poisson-schedule.js';
import type { ServingWorkload } from '../config/types.js';
import { perImage } from '../plan/estimate.js';
import { capacityProbeQueries } from '../plan/serving-capacity.js';
import type { CellSetup, InstanceRaw, ServingSetupRecord } from '../results/cell-record.js';
import { batchTimes, percentile, round } from '../results/percentiles.js';
import { queryLatencies } from '../results/query-latencies.js';
import { aggregateServing } from '../results/serving-aggregate.js';
import type { ServerProbe } from '../results/types.js';
import { loadInstances } from './load-instances.js';
import { searchServerQps } from './qps-search.js';
import { serveSynchronized, type ServeBody } from './synchronized-serve.js';
import { CellRunError, type WorkloadEnv } from './workload-runners.js';

// Trial k draws its arrivals from seed + k * stride (instance i adds i): independent trials,
// and the VM and bare-metal trials of one round share their schedules (paired).
const TRIAL_SEED_STRIDE = 7919;
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

async function serve(env: ServingEnv, body: Omit<ServeBody, 'warmup' | 'concurrency' | 'maxBatch' | 'seed'>, first: boolean, trial = 0): Promise<InstanceRaw[]> {
  const { w, ctx } = env;
  if (ctx.signal?.aborted) throw new CellRunError('interrupted');
  const rate = body.qps ?? 0;
  const expectedMs = 4 * Math.max(body.minDurationMs, rate > 0 ? (body.minQueries / rate) * 1000 : 0) + 4 * body.minQueries * perImage(ctx.config.model.arch, env.cell.precision) * 1000;
  const full: ServeBody = { ...body, warmup: w.warmup, concurrency: w.concurrency, maxBatch: w.maxBatch, seed: (w.kind === 'server' ? w.seed : 1) + trial * TRIAL_SEED_STRIDE };
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
  const total = agg.status === 'completed' ? agg.throughput_ips : 0;
  if (!(total > 0)) throw new CellRunError('the capacity probe served no query');
  const batches = raws.flatMap(batchTimes).sort((a, b) => a - b);
  env.batchMs = percentile(batches, 50);
  return { perInstance: total / env.instances.length, batchMs: env.batchMs };
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

/** How far a server run may fall behind its schedule before it stops dispatching. */
const giveUpMs = (boundMs: number): number => Math.max(20 * boundMs, 1000);

function setupRecord(env: ServingEnv, serving: ServingSetupRecord, flags: CellSetup['flags']): CellSetup {
  return { threads: env.threads, batch: env.w.maxBatch, flags, serving };
}

export async function serverSetup(base: WorkloadEnv): Promise<CellSetup> {
  const env = await prepare(base);
  const w = env.w;
  if (w.kind !== 'server') throw new CellRunError(`cell ${env.cell.key} is not a server cell`);
  const n = env.instances.length;
  const { perInstance: capacity, batchMs } = await measureCapacity(env);
  const probes: ServerProbe[] = [];
  const probe = async (qps: number): Promise<{ p99Ms: number }> => {
    env.ctx.onPhase(`qps probe ${round(qps * n, 1)}/s`);
    const raws = await serve(env, { scenario: 'server', qps, minQueries: w.probe.minQueries, minDurationMs: w.probe.minDurationMs, giveUpMs: giveUpMs(w.boundMs) }, false);
    const p = probeLatency(raws, w.boundMs);
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
    : (await searchServerQps({ boundMs: w.boundMs, capacityQps: capacity, tolerance: w.tolerance, maxProbes: w.maxProbes, floorQps: capacity * w.minQpsFraction, probe })).qps;
  const serving: ServingSetupRecord = {
    capacity_per_instance: round(capacity),
    batch_ms: round(batchMs),
    qps_found_per_instance: round(found),
    // Nothing found: the trials run at the last probe's rate, with the probe's rules, flagged.
    trial_qps_per_instance: found > 0 ? found : (probes.at(-1)?.qps_per_instance ?? capacity / 2),
    queries_per_instance: 0,
    probes,
  };
  if (found > 0) return setupRecord(env, serving, []);
  const why = hopeless ? `one query alone takes ${round(batchMs, 1)} ms (median of the capacity probe)` : `the lowest rate tried, ${formatRate(Math.min(...probes.map((p) => p.qps)))} QPS, missed it`;
  serving.why_none = `no offered rate kept the p99 within ${w.boundMs} ms: ${why}; the trials ran at the last probe's rate`;
  return setupRecord(env, serving, ['bound_not_met_at_any_qps']);
}

export async function offlineSetup(base: WorkloadEnv): Promise<CellSetup> {
  const env = await prepare(base);
  const w = env.w;
  const { perInstance: capacity, batchMs } = await measureCapacity(env);
  // LoadGen sizes the offline query from the expected rate: 10% more than the minimum duration needs.
  const queries = Math.min(MAX_SCHEDULED_QUERIES, Math.max(w.run.minQueries, Math.ceil((capacity * w.run.minDurationMs * 1.1) / 1000)));
  return setupRecord(env, { capacity_per_instance: round(capacity), batch_ms: round(batchMs), qps_found_per_instance: 0, trial_qps_per_instance: 0, queries_per_instance: queries, probes: [] }, []);
}

/** One trial of a set-up server or offline cell: a confirming run at the rate found, or an offline run. */
export async function servingTrial(base: WorkloadEnv, setup: CellSetup, index: number): Promise<InstanceRaw[]> {
  const w = base.cell.workload;
  const s = setup.serving;
  if ((w.kind !== 'server' && w.kind !== 'offline') || !s) throw new CellRunError(`cell ${base.cell.key} has no server or offline setup`);
  const env: ServingEnv = { ...base, w, threads: setup.threads, batchMs: s.batch_ms };
  if (w.kind === 'offline') {
    env.ctx.onPhase(`offline run of ${s.queries_per_instance} queries per instance`);
    return serve(env, { scenario: 'offline', minQueries: s.queries_per_instance, minDurationMs: 0 }, false, index);
  }
  const rules = s.qps_found_per_instance > 0 ? w.run : w.probe;
  env.ctx.onPhase(`confirming run at ${round(s.trial_qps_per_instance * env.instances.length, 1)}/s`);
  return serve(env, { scenario: 'server', qps: s.trial_qps_per_instance, minQueries: rules.minQueries, minDurationMs: rules.minDurationMs, giveUpMs: giveUpMs(w.boundMs) }, false, index);
}

// How each workload kind drives a cell's open instances: latency tunes threads, throughput
// and scaling run once, multistream searches the batch then confirms. Chosen from a map.
import type { Cell } from '../plan/cell.js';
import { perImage } from '../plan/estimate.js';
import { aggregateCell } from '../results/aggregate.js';
import type { InstanceRaw } from '../results/cell-record.js';
import { latencyStats } from '../results/percentiles.js';
import type { Aggregate } from '../results/aggregate.js';
import type { MultistreamInfo, OfflineInfo, ServerInfo, ThreadProbe, Workload } from '../results/types.js';
import type { Measure } from '../config/types.js';
import type { CellContext } from './cell-context.js';
import type { Instance } from './instances.js';
import { loadInstances, type LoadOptions } from './load-instances.js';
import { searchMultistreamBatch } from './multistream-search.js';
import { offlineRun, serverRun } from './serving-runners.js';
import { runSynchronized } from './synchronized-run.js';
import { threadCandidates } from './thread-candidates.js';

export interface WorkloadOutcome {
  raws: InstanceRaw[];
  threads: number;
  batch: number;
  flags: string[];
  threadProbes?: ThreadProbe[];
  multistream?: MultistreamInfo;
  server?: ServerInfo;
  offline?: OfflineInfo;
  /** The measured part of the summary when the runner aggregates itself (open-loop scenarios). */
  aggregate?: Aggregate;
}

export interface WorkloadEnv {
  cell: Cell;
  instances: Instance[];
  ctx: CellContext;
  load: Omit<LoadOptions, 'threads' | 'batch'>;
}

/** Thrown when a probe or run of an instance failed: the cell fails with this reason. */
export class CellRunError extends Error {}

function measureRun(env: WorkloadEnv, measure: Measure, batch: number, threads: number): Promise<InstanceRaw[]> {
  const { cell, instances, ctx } = env;
  // A generous deadline: reference per-image cost on at most 2 effective cores, times 4.
  const cores = Math.max(1, Math.min(threads, 2));
  const expectedMs = (measure.durationMs ?? 0) + 4 * (measure.warmup + measure.steps) * batch * perImage(ctx.config.model.arch, cell.precision) * 1000 / cores;
  const options: Parameters<typeof runSynchronized>[1] = {
    warmup: measure.warmup,
    steps: measure.steps,
    batch,
    threads,
    leadMs: ctx.config.startLeadMs,
    expectedMs,
    onProgress: (name, phase, done, total) => ctx.onPhase(`${phase} ${name} ${done}${total === null ? '' : `/${total}`}`),
  };
  if (measure.durationMs !== undefined) options.durationMs = measure.durationMs;
  if (ctx.signal) options.signal = ctx.signal;
  return runSynchronized(instances, options);
}

function throwIfFailed(raws: InstanceRaw[], what: string): void {
  const failed = raws.filter((r) => r.status !== 'completed');
  if (failed.length > 0) throw new CellRunError(`${what}: ${failed.map((r) => `${r.name}: ${r.error ?? r.status}`).join('; ')}`);
}

function pooledLatencies(raws: InstanceRaw[]): number[] {
  const out: number[] = [];
  for (const r of raws) r.starts_ms.forEach((s, k) => out.push((r.ends_ms[k] as number) - s));
  return out;
}

function minVcpus(instances: Instance[]): number {
  return Math.min(...instances.map((i) => i.target.vcpus));
}

async function fixedRun(env: WorkloadEnv): Promise<WorkloadOutcome> {
  const threads = env.cell.threads ?? minVcpus(env.instances);
  env.ctx.onPhase(`load threads=${threads}`);
  await loadInstances(env.instances, { ...env.load, threads, batch: env.cell.batch });
  const raws = await measureRun(env, env.cell.measure, env.cell.batch, threads);
  return { raws, threads, batch: env.cell.batch, flags: [] };
}

async function latencyRun(env: WorkloadEnv): Promise<WorkloadOutcome> {
  const { cell, ctx } = env;
  const probe = cell.workload.kind === 'latency' ? cell.workload.probe : cell.measure;
  const candidates = threadCandidates(minVcpus(env.instances), cell.threadCandidates);
  const threadProbes: ThreadProbe[] = [];
  let loaded: number | undefined;
  if (candidates.length > 1) {
    for (const threads of candidates) {
      if (ctx.signal?.aborted) throw new CellRunError('interrupted');
      ctx.onPhase(`thread probe ${threads}`);
      await loadInstances(env.instances, { ...env.load, threads, batch: cell.batch });
      loaded = threads;
      const raws = await measureRun(env, probe, cell.batch, threads);
      throwIfFailed(raws, `thread probe ${threads}`);
      const stats = latencyStats(pooledLatencies(raws));
      threadProbes.push({ threads, latency_ms: Math.round((stats?.mean ?? Infinity) * 1000) / 1000 });
    }
  }
  const best = threadProbes.length > 0 ? threadProbes.reduce((a, b) => (b.latency_ms < a.latency_ms ? b : a)).threads : (candidates[0] as number);
  if (loaded !== best) {
    ctx.onPhase(`load threads=${best}`);
    await loadInstances(env.instances, { ...env.load, threads: best, batch: cell.batch });
  }
  const raws = await measureRun(env, cell.measure, cell.batch, best);
  const out: WorkloadOutcome = { raws, threads: best, batch: cell.batch, flags: [] };
  if (threadProbes.length > 0) out.threadProbes = threadProbes;
  return out;
}

async function multistreamRun(env: WorkloadEnv): Promise<WorkloadOutcome> {
  const { cell, ctx } = env;
  if (cell.workload.kind !== 'multistream') throw new CellRunError(`cell ${cell.key} is not a multistream cell`);
  const w = cell.workload;
  const threads = cell.threads ?? minVcpus(env.instances);
  ctx.onPhase(`load threads=${threads}`);
  await loadInstances(env.instances, { ...env.load, threads, batch: 1 });
  const statOf = (raws: InstanceRaw[]): number => {
    const stats = latencyStats(pooledLatencies(raws));
    return stats ? stats[w.statistic] : Infinity;
  };
  const search = await searchMultistreamBatch({
    boundMs: w.boundMs,
    maxBatch: w.maxBatch,
    probe: async (batch) => {
      if (ctx.signal?.aborted) throw new CellRunError('interrupted');
      ctx.onPhase(`batch probe ${batch}`);
      const raws = await measureRun(env, w.probe, batch, threads);
      throwIfFailed(raws, `batch probe ${batch}`);
      const agg = aggregateCell({ instances: raws, measure: w.probe });
      return { latencyMs: statOf(raws), throughputIps: agg.throughput_ips ?? 0 };
    },
  });
  const flags: string[] = [];
  if (search.batch === 0) flags.push('bound_not_met_at_batch_1');
  const batch = Math.max(1, search.batch);
  ctx.onPhase(`confirming run batch=${batch}`);
  const raws = await measureRun(env, cell.measure, batch, threads);
  if (raws.every((r) => r.status === 'completed') && statOf(raws) > w.boundMs && search.batch > 0) flags.push('bound_exceeded_in_confirming_run');
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    raws,
    threads,
    batch,
    flags,
    multistream: {
      bound_ms: w.boundMs,
      statistic: w.statistic,
      batch_found: search.batch,
      probes: search.probes.map((p) => ({ batch: p.batch, latency_ms: round(p.latencyMs), throughput_ips: round(p.throughputIps), within_bound: p.withinBound })),
    },
  };
}

export const workloadRunners: Record<Workload, (env: WorkloadEnv) => Promise<WorkloadOutcome>> = {
  latency: latencyRun,
  throughput: fixedRun,
  scaling: fixedRun,
  multistream: multistreamRun,
  server: serverRun,
  offline: offlineRun,
};

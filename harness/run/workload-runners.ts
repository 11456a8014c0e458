// How each workload kind prepares a cell's open instances before its trials (latency tunes
// threads, throughput and scaling just load, multistream searches the batch, server and
// offline probe capacity and search the rate: serving-runners.ts), and how it runs one trial
// (a synchronized closed-loop run with the chosen threads and batch, or an open-loop one at
// the chosen rate). Chosen from maps.
import type { Measure } from '../config/types.js';
import type { Workload } from '../core/vocabulary.js';
import type { Cell } from '../plan/cell.js';
import { perImage } from '../plan/estimate.js';
import { aggregateTrial } from '../results/aggregate.js';
import type { CellSetup, InstanceRaw } from '../results/cell-record.js';
import type { Flag } from '../results/flags.js';
import { batchTimes, latencyStats, round } from '../results/percentiles.js';
import type { ThreadProbe } from '../results/types.js';
import type { CellContext } from './cell-context.js';
import type { Instance } from './instances.js';
import { loadInstances, type LoadOptions } from './load-instances.js';
import { searchMultistreamBatch } from './multistream-search.js';
import { offlineSetup, serverSetup, servingTrial } from './serving-runners.js';
import { runSynchronized } from './synchronized-run.js';
import { threadCandidates } from './thread-candidates.js';

export interface WorkloadEnv {
  cell: Cell;
  instances: Instance[];
  ctx: CellContext;
  load: Omit<LoadOptions, 'threads' | 'batch'>;
}

/** Thrown when a probe or run of an instance failed: the cell fails with this reason. */
export class CellRunError extends Error {}

/** One synchronized run of the cell's instances (a probe or a trial). */
export function measureRun(env: WorkloadEnv, measure: Measure, batch: number, threads: number): Promise<InstanceRaw[]> {
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
    onProgress: (name, phase, done, total) => (ctx.onSteps ? ctx.onSteps(phase, done, total) : ctx.onPhase(`${phase} ${name} ${done}${total === null ? '' : `/${total}`}`)),
  };
  if (measure.durationMs !== undefined) options.durationMs = measure.durationMs;
  if (ctx.signal) options.signal = ctx.signal;
  return runSynchronized(instances, options);
}

export function throwIfFailed(raws: InstanceRaw[], what: string): void {
  const failed = raws.filter((r) => r.status !== 'completed');
  if (failed.length > 0) throw new CellRunError(`${what}: ${failed.map((r) => `${r.name}: ${r.error ?? r.status}`).join('; ')}`);
}

function pooledLatencies(raws: InstanceRaw[]): number[] {
  return raws.flatMap(batchTimes);
}

function minVcpus(instances: Instance[]): number {
  return Math.min(...instances.map((i) => i.target.vcpus));
}

/** Loads the instances for a setup (also what --resume does with a stored setup). */
export async function applySetup(env: WorkloadEnv, setup: CellSetup): Promise<void> {
  env.ctx.onPhase(`load threads=${setup.threads}`);
  await loadInstances(env.instances, { ...env.load, threads: setup.threads, batch: setup.batch });
}

async function fixedSetup(env: WorkloadEnv): Promise<CellSetup> {
  const setup: CellSetup = { threads: env.cell.threads ?? minVcpus(env.instances), batch: env.cell.batch, flags: [] };
  await applySetup(env, setup);
  return setup;
}

async function latencySetup(env: WorkloadEnv): Promise<CellSetup> {
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
  const setup: CellSetup = { threads: best, batch: cell.batch, flags: [] };
  if (threadProbes.length > 0) setup.thread_probes = threadProbes;
  if (loaded !== best) await applySetup(env, setup);
  return setup;
}

async function multistreamSetup(env: WorkloadEnv): Promise<CellSetup> {
  const { cell, ctx } = env;
  if (cell.workload.kind !== 'multistream') throw new CellRunError(`cell ${cell.key} is not a multistream cell`);
  const w = cell.workload;
  const threads = cell.threads ?? minVcpus(env.instances);
  await applySetup(env, { threads, batch: 1, flags: [] });
  const search = await searchMultistreamBatch({
    boundMs: w.boundMs,
    maxBatch: w.maxBatch,
    probe: async (batch) => {
      if (ctx.signal?.aborted) throw new CellRunError('interrupted');
      ctx.onPhase(`batch probe ${batch}`);
      const raws = await measureRun(env, w.probe, batch, threads);
      throwIfFailed(raws, `batch probe ${batch}`);
      const stats = latencyStats(pooledLatencies(raws));
      const agg = aggregateTrial({ instances: raws, measure: w.probe });
      return { latencyMs: stats ? stats[w.statistic] : Infinity, throughputIps: agg.status === 'completed' ? agg.throughput_ips : 0 };
    },
  });
  const flags: Flag[] = search.batch === 0 ? ['bound_not_met_at_batch_1'] : [];
  return {
    threads,
    // The run request carries the batch: no reload needed.
    batch: Math.max(1, search.batch),
    flags,
    multistream: {
      bound_ms: w.boundMs,
      statistic: w.statistic,
      batch_found: search.batch,
      probes: search.probes.map((p) => ({ batch: p.batch, latency_ms: round(p.latencyMs), throughput_ips: round(p.throughputIps), within_bound: p.withinBound })),
    },
  };
}

/** Prepares a cell's instances for its trials; what runs once before them. */
export const workloadSetups: Record<Workload, (env: WorkloadEnv) => Promise<CellSetup>> = {
  latency: latencySetup,
  throughput: fixedSetup,
  scaling: fixedSetup,
  multistream: multistreamSetup,
  server: serverSetup,
  offline: offlineSetup,
};

/** One closed-loop trial: the synchronized run with the setup's threads and batch. */
function closedLoopTrial(env: WorkloadEnv, setup: CellSetup): Promise<InstanceRaw[]> {
  return measureRun(env, env.cell.measure, setup.batch, setup.threads);
}

/** Runs one trial of a set-up cell; its raw samples, one per instance. */
export const workloadTrials: Record<Workload, (env: WorkloadEnv, setup: CellSetup, index: number) => Promise<InstanceRaw[]>> = {
  latency: closedLoopTrial,
  throughput: closedLoopTrial,
  scaling: closedLoopTrial,
  multistream: closedLoopTrial,
  server: servingTrial,
  offline: servingTrial,
};

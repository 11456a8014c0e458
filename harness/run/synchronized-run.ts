// Starts every instance of a cell at one instant (controller now + lead, mapped to each
// agent's clock) and collects their raw samples in controller time. One instance failing
// is data in its InstanceRaw, not an exception.
import type { RunResult } from '../../agent/protocol.js';
import type { InstanceRaw } from '../results/cell-record.js';
import { AgentError } from '../errors.js';
import { toAgentClock, toControllerClock } from './clock-offset.js';
import { controllerNowNs } from './clock-sync.js';
import type { Instance } from './instances.js';
import { Timeouts } from './timeouts.js';
import { throwIfInterrupted } from './abortable.js';

export interface SynchronizedRunOptions {
  warmup: number;
  steps: number;
  durationMs?: number;
  batch: number;
  /** Intra-op threads the instances were loaded with (recorded). */
  threads: number;
  /** Lead before the common start, ms. */
  leadMs: number;
  /** Expected length of the run, ms (for the timeout). */
  expectedMs: number;
  signal?: AbortSignal;
  onProgress?: (instance: string, phase: string, done: number, total: number | null) => void;
}

const NS_PER_MS = 1e6;

/** Where and how an instance ran, the same for every raw it produces. */
function instancePart(instance: Instance, batch: number, threads: number): Pick<InstanceRaw, 'name' | 'host' | 'clock' | 'threads' | 'batch' | 'cpus' | 'notes' | 'vm'> {
  return {
    name: instance.name,
    host: instance.target.host,
    clock: { offset_ns: Math.round(instance.clock.offsetNs), rtt_ns: Math.round(instance.clock.rttNs) },
    threads,
    batch,
    ...(instance.target.cpus ? { cpus: instance.target.cpus } : {}),
    ...(instance.target.notes.length > 0 ? { notes: [...instance.target.notes] } : {}),
    ...(instance.target.vm ? { vm: instance.target.vm } : {}),
  };
}

/** What a closed-loop run and an open-loop serve both return about their batches. */
type BatchTimings = Pick<RunResult, 'firstBatchMs' | 'warmupDone' | 'starts' | 'ends' | 'peakRssBytes' | 'stopped' | 'noise'>;

/**
 * The InstanceRaw of a completed run or serve: agent times (ns, agent clock) mapped to ms on the
 * controller clock relative to the planned start; `startedAtNs` is when measuring began.
 */
export function completedRaw(instance: Instance, result: BatchTimings, startedAtNs: number, plannedNs: number, batch: number, threads: number): InstanceRaw {
  const ms = (agentNs: number): number => (toControllerClock(agentNs, instance.clock) - plannedNs) / NS_PER_MS;
  const raw: InstanceRaw = {
    ...instancePart(instance, batch, threads),
    status: 'completed',
    started_at_ms: ms(startedAtNs),
    first_batch_ms: result.firstBatchMs,
    warmup_done: result.warmupDone,
    starts_ms: result.starts.map(ms),
    ends_ms: result.ends.map(ms),
    peak_rss_bytes: result.peakRssBytes,
    stopped: result.stopped,
  };
  if (result.noise) raw.noise = { cpu_ticks: result.noise.cpuTicks, steal_ticks: result.noise.stealTicks, involuntary_switches: result.noise.involuntarySwitches };
  return raw;
}

/** The InstanceRaw of an instance whose run failed or timed out. */
export function failedRaw(instance: Instance, error: unknown, batch: number, threads: number): InstanceRaw {
  const timedOut = error instanceof AgentError && error.code === 'timeout';
  return {
    ...instancePart(instance, batch, threads),
    status: timedOut ? 'timed-out' : 'failed',
    error: error instanceof Error ? error.message : String(error),
    started_at_ms: null,
    first_batch_ms: null,
    warmup_done: 0,
    starts_ms: [],
    ends_ms: [],
    peak_rss_bytes: null,
    stopped: false,
  };
}

export interface StartTiming {
  /** Lead before the common start, ms. */
  leadMs: number;
  /** Expected length of the run, ms (for the timeout). */
  expectedMs: number;
  signal?: AbortSignal;
}

/**
 * Sends every instance its start request for one common instant (controller now + lead, in
 * each agent's clock, passed as `startAt`); an abort sends them all `stop`. Resolves with the
 * planned start (controller ns) and one settled outcome per instance, in order.
 */
export async function startTogether<T>(
  instances: Instance[],
  timing: StartTiming,
  send: (instance: Instance, k: number, startAt: number, timeoutMs: number) => Promise<T>,
): Promise<{ plannedNs: number; settled: PromiseSettledResult<T>[] }> {
  // A signal that fired before this start (during a load or a previous probe) never fires again:
  // adding a listener to it would wait for nothing and the run would go to its end.
  throwIfInterrupted(timing.signal, 'a synchronized run');
  const plannedNs = controllerNowNs() + timing.leadMs * NS_PER_MS;
  const timeoutMs = timing.leadMs + timing.expectedMs + Timeouts.runGrace;
  const stop = (): void => {
    for (const i of instances) void i.session.request('stop', {}, { timeoutMs: Timeouts.close }).catch(() => undefined);
  };
  timing.signal?.addEventListener('abort', stop, { once: true });
  try {
    const settled = await Promise.allSettled(instances.map((instance, k) => send(instance, k, Math.round(toAgentClock(plannedNs, instance.clock)), timeoutMs)));
    return { plannedNs, settled };
  } finally {
    timing.signal?.removeEventListener('abort', stop);
  }
}

/** Runs all instances from one common start; resolves with one InstanceRaw per instance. */
export async function runSynchronized(instances: Instance[], options: SynchronizedRunOptions): Promise<InstanceRaw[]> {
  const { plannedNs, settled } = await startTogether(instances, options, (instance, _k, startAt, timeoutMs) => {
    const body: Parameters<typeof instance.session.request<'run'>>[1] = { startAt, warmup: options.warmup, steps: options.steps, batch: options.batch };
    if (options.durationMs !== undefined) body.durationMs = options.durationMs;
    return instance.session.request('run', body, {
      timeoutMs,
      onProgress: (p) => options.onProgress?.(instance.name, p.phase, p.done, p.total),
    });
  });
  return settled.map((s, k) => {
    const instance = instances[k] as Instance;
    return s.status === 'fulfilled' ? completedRaw(instance, s.value, s.value.startedAt, plannedNs, s.value.batch, options.threads) : failedRaw(instance, s.reason, options.batch, options.threads);
  });
}

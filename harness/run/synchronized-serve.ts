// Starts the open-loop run (server or offline) of every instance of a cell at one instant:
// each agent warms up on receipt, then its schedule begins at the common start (controller
// now + lead, mapped to each agent's clock). Raw schedules and batches come back in
// controller time; one instance failing is data in its InstanceRaw, not an exception.
import type { ServedResult, ServeRequest } from '../../agent/protocol.js';
import type { InstanceRaw } from '../results/cell-record.js';
import { toControllerClock } from './clock-offset.js';
import type { Instance } from './instances.js';
import { failedRaw, startTogether, type StartTiming } from './synchronized-run.js';

export type ServeBody = Omit<ServeRequest, 'type' | 'id' | 'startAt' | 'seed'> & { seed: number };

export interface SynchronizedServeOptions extends StartTiming {
  body: ServeBody;
  /** Intra-op threads per session (recorded). */
  threads: number;
  onProgress?: (instance: string, phase: string, done: number, total: number | null) => void;
}

const NS_PER_MS = 1e6;

function toRaw(instance: Instance, result: ServedResult, plannedNs: number, threads: number): InstanceRaw {
  const ms = (agentNs: number): number => (toControllerClock(agentNs, instance.clock) - plannedNs) / NS_PER_MS;
  const origin = ms(result.origin);
  const raw: InstanceRaw = {
    name: instance.name,
    host: instance.target.host,
    status: 'completed',
    clock: { offset_ns: Math.round(instance.clock.offsetNs), rtt_ns: Math.round(instance.clock.rttNs) },
    threads,
    batch: result.maxBatch,
    started_at_ms: origin,
    first_batch_ms: result.firstBatchMs,
    warmup_done: result.warmupDone,
    starts_ms: result.starts.map(ms),
    ends_ms: result.ends.map(ms),
    peak_rss_bytes: result.peakRssBytes,
    stopped: result.stopped,
    serving: {
      scenario: result.scenario,
      qps: result.qps,
      seed: result.seed,
      concurrency: result.concurrency,
      max_batch: result.maxBatch,
      max_queue_delay_ms: result.maxQueueDelayMs,
      origin_ms: origin,
      arrivals_ms: result.arrivalsMs.map((a) => origin + a),
      sizes: result.sizes,
      late_start_ms: result.lateStartMs,
      gave_up: result.gaveUp,
    },
  };
  if (instance.target.cpus) raw.cpus = instance.target.cpus;
  if (instance.target.notes.length > 0) raw.notes = [...instance.target.notes];
  return raw;
}

/** Serves on all instances from one common start; instance i's schedule uses seed + i. */
export async function serveSynchronized(instances: Instance[], options: SynchronizedServeOptions): Promise<InstanceRaw[]> {
  const { plannedNs, settled } = await startTogether(instances, options, (instance, k, startAt, timeoutMs) =>
    instance.session.request(
      'serve',
      { ...options.body, seed: options.body.seed + k, startAt },
      { timeoutMs, onProgress: (p) => options.onProgress?.(instance.name, p.phase, p.done, p.total) },
    ),
  );
  return settled.map((s, k) => {
    const instance = instances[k] as Instance;
    return s.status === 'fulfilled' ? toRaw(instance, s.value, plannedNs, options.threads) : failedRaw(instance, s.reason, options.body.maxBatch ?? 1, options.threads);
  });
}

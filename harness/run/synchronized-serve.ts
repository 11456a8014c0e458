// Starts the open-loop run (server or offline) of every instance of a cell at one instant:
// each agent warms up on receipt, then its schedule begins at the common start (controller
// now + lead, mapped to each agent's clock). Raw schedules and batches come back in
// controller time; one instance failing is data in its InstanceRaw, not an exception.
import type { ServedResult, ServeRequest } from '../../agent/protocol.js';
import type { InstanceRaw } from '../results/cell-record.js';
import type { Instance } from './instances.js';
import { completedRaw, failedRaw, startTogether, type StartTiming } from './synchronized-run.js';

export type ServeBody = Omit<ServeRequest, 'type' | 'id' | 'startAt' | 'seed'> & { seed: number };

export interface SynchronizedServeOptions extends StartTiming {
  body: ServeBody;
  /** Intra-op threads per session (recorded). */
  threads: number;
  onProgress?: (instance: string, phase: string, done: number, total: number | null) => void;
}


/** A served result as raw samples: the batches like a closed-loop run, plus the schedule. */
function servedRaw(instance: Instance, result: ServedResult, plannedNs: number, threads: number): InstanceRaw {
  const raw = completedRaw(instance, result, result.origin, plannedNs, result.maxBatch, threads);
  const origin = raw.started_at_ms as number;
  raw.serving = {
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
  };
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
    return s.status === 'fulfilled' ? servedRaw(instance, s.value, plannedNs, options.threads) : failedRaw(instance, s.reason, options.body.maxBatch ?? 1, options.threads);
  });
}

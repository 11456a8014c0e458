// The open-loop dispatcher of the server and offline scenarios: queries arrive on a schedule
// (not when the last one returns), wait in a FIFO queue, and are executed as soon as a session
// is free, up to `maxBatch` at a time; a partial batch waits at most `maxQueueDelayMs` for more.
// Records every batch raw (start, end, size); a query's latency (completion - scheduled
// arrival, queueing included) is computed by the controller from these and the schedule.
import { nowNs } from './run-batches.js';
import { waitUntil } from './wait-until.js';

/** One place a batch can run (the main thread's session, or a worker's). */
export interface BatchExecutor {
  /** Runs `size` images as one batch; resolves with when it started and ended (agent ns). */
  run(size: number): Promise<{ start: number; end: number }>;
}

export interface ServeQueriesOptions {
  executors: readonly BatchExecutor[];
  /** Scheduled arrivals, ms after `origin`, ascending. */
  arrivalsMs: readonly number[];
  /** Agent-clock instant (ns) the schedule is relative to. */
  origin: number;
  maxBatch: number;
  /** How long the oldest waiting query may wait for a fuller batch (0: never waits). */
  maxQueueDelayMs: number;
  /** Stop dispatching once a query has waited this long (an overloaded service); undefined: never. */
  giveUpMs?: number;
  shouldStop?: () => boolean;
  /** Called with the number of queries completed so far, at most every `progressEveryMs`. */
  onProgress?: (done: number) => void;
  progressEveryMs?: number;
}

export interface ServeQueriesResult {
  /** Per executed batch in dispatch order: start, end (agent ns) and queries held. */
  starts: number[];
  ends: number[];
  sizes: number[];
  /** True when dispatching stopped because a query waited longer than `giveUpMs`. */
  gaveUp: boolean;
  stopped: boolean;
}

const NS_PER_MS = 1e6;

/** Serves the whole schedule (or until give-up/stop); resolves once every dispatched batch ended. */
export function serveQueries(options: ServeQueriesOptions): Promise<ServeQueriesResult> {
  const { executors, arrivalsMs, origin, maxBatch, maxQueueDelayMs } = options;
  const total = arrivalsMs.length;
  const stop = options.shouldStop ?? (() => false);
  const everyNs = (options.progressEveryMs ?? 1000) * NS_PER_MS;
  const idle = [...executors];
  const result: ServeQueriesResult = { starts: [], ends: [], sizes: [], gaveUp: false, stopped: false };
  let next = 0;
  let inFlight = 0;
  let completed = 0;
  let lastProgress = nowNs();
  let wake: { at: number; cancel: () => void } | undefined;
  let failure: unknown;

  return new Promise<ServeQueriesResult>((resolve, reject) => {
    const ended = (): boolean => result.gaveUp || result.stopped || failure !== undefined || next >= total;
    const settle = (): void => {
      if (!ended() || inFlight > 0) return;
      wake?.cancel();
      if (failure !== undefined) reject(failure instanceof Error ? failure : new Error(String(failure)));
      else resolve(result);
    };
    const sleepUntil = (atMs: number): void => {
      const at = origin + atMs * NS_PER_MS;
      if (wake && wake.at <= at) return; // an earlier wake-up is already set
      wake?.cancel();
      const controller = { cancelled: false };
      wake = { at, cancel: () => (controller.cancelled = true) };
      void waitUntil(at, () => controller.cancelled || stop()).then(() => {
        if (controller.cancelled) return;
        wake = undefined;
        pump();
      });
    };
    const dispatch = (size: number): void => {
      const executor = idle.pop() as BatchExecutor;
      const slot = result.sizes.length;
      result.sizes.push(size);
      result.starts.push(0);
      result.ends.push(0);
      next += size;
      inFlight++;
      executor.run(size).then(
        ({ start, end }) => {
          result.starts[slot] = start;
          result.ends[slot] = end;
          completed += size;
          if (end - lastProgress >= everyNs) {
            lastProgress = end;
            options.onProgress?.(completed);
          }
        },
        (error: unknown) => {
          failure ??= error;
        },
      ).finally(() => {
        inFlight--;
        idle.push(executor);
        pump();
      });
    };
    function pump(): void {
      if (!ended() && stop()) result.stopped = true;
      while (!ended() && idle.length > 0) {
        const elapsedMs = (nowNs() - origin) / NS_PER_MS;
        const oldest = arrivalsMs[next] as number;
        if (oldest > elapsedMs) {
          sleepUntil(oldest);
          break;
        }
        if (options.giveUpMs !== undefined && elapsedMs - oldest > options.giveUpMs) {
          result.gaveUp = true;
          break;
        }
        let arrived = 1;
        while (arrived < maxBatch && next + arrived < total && (arrivalsMs[next + arrived] as number) <= elapsedMs) arrived++;
        const fullLater = arrived < maxBatch && next + arrived < total;
        if (fullLater && maxQueueDelayMs > 0 && elapsedMs < oldest + maxQueueDelayMs) {
          // Wait for the next arrival or the oldest query's deadline, whichever comes first.
          sleepUntil(Math.min(oldest + maxQueueDelayMs, arrivalsMs[next + arrived] as number));
          break;
        }
        dispatch(arrived);
      }
      settle();
    }
    pump();
  });
}

// One `serve` request end to end: check it, build the schedule (Poisson for server, all at
// once for offline), warm every session, wait for the common origin, serve, and return the
// raw schedule and batches.
import { AgentFailure } from './agent-failure.js';
import type { BatchExecutor } from './serve-queries.js';
import { serveQueries } from './serve-queries.js';
import { MAX_SCHEDULED_QUERIES, poissonSchedule } from './poisson-schedule.js';
import { ErrorCode, type ProgressEvent, type ServedResult, type ServeRequest } from './protocol.js';
import { MAX_START_DELAY_MS, nowNs } from './run-batches.js';
import { waitUntil } from './wait-until.js';

export type ScenarioResult = Omit<ServedResult, 'type' | 'id'>;

/** The request's settings with defaults filled in. */
export interface ScenarioSettings {
  concurrency: number;
  maxBatch: number;
  maxQueueDelayMs: number;
  seed: number;
}

/** Checks a serve request's values; throws AgentFailure(bad_request) naming the field. */
export function scenarioSettings(request: ServeRequest): ScenarioSettings {
  const bad = (message: string): never => {
    throw new AgentFailure(ErrorCode.badRequest, message);
  };
  const settings = { concurrency: request.concurrency ?? 1, maxBatch: request.maxBatch ?? 1, maxQueueDelayMs: request.maxQueueDelayMs ?? 0, seed: request.seed ?? 1 };
  if (request.scenario === 'server' && request.qps === undefined) bad("the server scenario needs qps");
  if (settings.concurrency > 64) bad(`Expected concurrency to be at most 64, got ${settings.concurrency}`);
  if (settings.maxBatch > 65536) bad(`Expected maxBatch to be at most 65536, got ${settings.maxBatch}`);
  if (request.minQueries > MAX_SCHEDULED_QUERIES) bad(`Expected minQueries to be at most ${MAX_SCHEDULED_QUERIES}, got ${request.minQueries}`);
  if (request.startAt !== undefined && (request.startAt - nowNs()) / 1e6 > MAX_START_DELAY_MS) bad(`startAt is more than the ${MAX_START_DELAY_MS} ms away the agent waits`);
  return settings;
}

export interface RunScenarioOptions {
  request: ServeRequest;
  settings: ScenarioSettings;
  executors: readonly BatchExecutor[];
  onProgress?: (phase: ProgressEvent['phase'], done: number, total: number | null) => void;
  shouldStop?: () => boolean;
}

function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Runs the scenario; resolves with the raw schedule and batches. */
export async function runScenario(options: RunScenarioOptions): Promise<ScenarioResult> {
  const { request, settings, executors } = options;
  const stop = options.shouldStop ?? (() => false);
  const progress = options.onProgress ?? (() => undefined);
  let arrivalsMs: number[];
  try {
    arrivalsMs =
      request.scenario === 'server'
        ? poissonSchedule({ qps: request.qps as number, seed: settings.seed, minQueries: request.minQueries, minDurationMs: request.minDurationMs, maxQueries: MAX_SCHEDULED_QUERIES })
        : new Array<number>(request.minQueries).fill(0);
  } catch (error) {
    throw new AgentFailure(ErrorCode.badRequest, error instanceof Error ? error.message : String(error));
  }
  const result: ScenarioResult = {
    scenario: request.scenario,
    qps: request.scenario === 'server' ? (request.qps as number) : null,
    seed: settings.seed,
    concurrency: settings.concurrency,
    maxBatch: settings.maxBatch,
    maxQueueDelayMs: settings.maxQueueDelayMs,
    origin: 0,
    arrivalsMs,
    starts: [],
    ends: [],
    sizes: [],
    warmupDone: 0,
    firstBatchMs: null,
    lateStartMs: 0,
    peakRssBytes: 0,
    gaveUp: false,
    stopped: false,
  };
  const finish = (): ScenarioResult => ({ ...result, peakRssBytes: peakRssBytes() });

  // Warmup: every session runs `warmup` full batches, all at once.
  if (request.warmup > 0) progress('warmup', 0, request.warmup);
  for (let i = 0; i < request.warmup; i++) {
    if (stop()) return { ...finish(), stopped: true };
    const runs = await Promise.all(executors.map((e) => e.run(settings.maxBatch)));
    if (i === 0) result.firstBatchMs = Math.max(...runs.map((r) => (r.end - r.start) / 1e6));
    result.warmupDone = i + 1;
  }

  const now = nowNs();
  if (request.startAt !== undefined && request.startAt > now) {
    progress('waiting', 0, null);
    if (!(await waitUntil(request.startAt, stop))) return { ...finish(), stopped: true };
    result.origin = request.startAt;
  } else {
    // Warmup overran the common start: the schedule begins now (its arrivals intact, not
    // queued behind the warmup) and the lateness is reported.
    result.origin = now;
    result.lateStartMs = request.startAt === undefined ? 0 : (now - request.startAt) / 1e6;
  }
  progress('measure', 0, arrivalsMs.length);
  const served = await serveQueries({
    executors,
    arrivalsMs,
    origin: result.origin,
    maxBatch: settings.maxBatch,
    maxQueueDelayMs: settings.maxQueueDelayMs,
    ...(request.giveUpMs === undefined ? {} : { giveUpMs: request.giveUpMs }),
    ...(request.progressEveryMs === undefined ? {} : { progressEveryMs: request.progressEveryMs }),
    shouldStop: stop,
    onProgress: (done) => progress('measure', done, arrivalsMs.length),
  });
  Object.assign(result, served);
  return finish();
}

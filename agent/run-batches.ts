// The timed loop: wait for the start instant, warm up, then measure batches and keep the raw
// start/end of each one (agent monotonic clock, ns). No averaging happens here.
import type ort from 'onnxruntime-node';
import { AgentFailure, asAgentFailure } from './agent-failure.js';
import type { LoadedModel } from './infer.js';
import { noiseBetween, noiseSnapshot } from './noise-counters.js';
import { ErrorCode, type ProgressEvent, type RunResult } from './protocol.js';

export interface RunBatchesOptions {
  model: LoadedModel;
  /** The input tensor, made once by makeInput (its first dimension is the batch). */
  input: ort.Tensor;
  /** Agent-clock instant (ns) to begin warmup at; sleeps, then spins the last millisecond. @default now */
  startAt?: number;
  /** Batches run before measuring. */
  warmup: number;
  /** Measured batches; with durationMs the minimum count. */
  steps: number;
  /** Measure at least this long (ms) when set. */
  durationMs?: number;
  /** Minimum interval between progress callbacks (ms). @default 1000 */
  progressEveryMs?: number;
  onProgress?: (phase: ProgressEvent['phase'], done: number, total: number | null) => void;
  /** Polled between batches; true ends the run early with what it has. */
  shouldStop?: () => boolean;
}

/** The samples of a run: the protocol's `result` message without its envelope. */
export type RunBatchesResult = Omit<RunResult, 'type' | 'id'>;

/** The longest wait for a start instant the agent accepts. */
export const MAX_START_DELAY_MS = 10 * 60_000;
const SPIN_NS = 1_000_000;
const SLEEP_SLICE_MS = 50;

/** The agent's monotonic clock in ns (the protocol's time base). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function expectInt(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new AgentFailure(ErrorCode.badRequest, `Expected ${name} to be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks run options before anything starts; throws AgentFailure(bad_request) naming the field. */
export function validateRunOptions(options: Pick<RunBatchesOptions, 'startAt' | 'warmup' | 'steps' | 'durationMs' | 'progressEveryMs'>): void {
  expectInt('warmup', options.warmup, 0);
  expectInt('steps', options.steps, options.durationMs === undefined ? 1 : 0);
  if (options.durationMs !== undefined && (typeof options.durationMs !== 'number' || !Number.isFinite(options.durationMs) || options.durationMs <= 0)) {
    throw new AgentFailure(ErrorCode.badRequest, `Expected durationMs to be a number > 0, got ${JSON.stringify(options.durationMs)}`);
  }
  if (options.progressEveryMs !== undefined && (typeof options.progressEveryMs !== 'number' || !(options.progressEveryMs >= 10))) {
    throw new AgentFailure(ErrorCode.badRequest, `Expected progressEveryMs to be a number >= 10, got ${JSON.stringify(options.progressEveryMs)}`);
  }
  if (options.startAt !== undefined) {
    if (typeof options.startAt !== 'number' || !Number.isFinite(options.startAt)) {
      throw new AgentFailure(ErrorCode.badRequest, `Expected startAt to be an agent-clock time in ns, got ${JSON.stringify(options.startAt)}`);
    }
    const delayMs = (options.startAt - nowNs()) / 1e6;
    if (delayMs > MAX_START_DELAY_MS) {
      throw new AgentFailure(ErrorCode.badRequest, `startAt is ${Math.round(delayMs)} ms away, more than the ${MAX_START_DELAY_MS} ms the agent waits`);
    }
  }
}

function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Runs warmup and measured batches on one loaded model; resolves with the raw samples. */
export async function runBatches(options: RunBatchesOptions): Promise<RunBatchesResult> {
  validateRunOptions(options);
  const { model, input, warmup, steps, durationMs } = options;
  const batch = input.dims[0] ?? 1;
  const every = (options.progressEveryMs ?? 1000) * 1e6;
  const stop = options.shouldStop ?? (() => false);
  const progress = options.onProgress ?? (() => undefined);
  const feeds = { [model.inputName]: input };
  const run = async (): Promise<void> => {
    try {
      await model.session.run(feeds);
    } catch (error) {
      throw asAgentFailure(error, ErrorCode.inference, `inference failed on ${model.path}`);
    }
  };
  const result: RunBatchesResult = { batch, startedAt: 0, firstBatchMs: null, warmupDone: 0, starts: [], ends: [], peakRssBytes: 0, stopped: false };
  const finish = (stopped: boolean): RunBatchesResult => ({ ...result, stopped, peakRssBytes: peakRssBytes() });

  if (options.startAt !== undefined && options.startAt > nowNs()) {
    progress('waiting', 0, null);
    for (;;) {
      if (stop()) return finish(true);
      const leftMs = (options.startAt - SPIN_NS - nowNs()) / 1e6;
      if (leftMs <= 0) break;
      await sleep(Math.min(leftMs, SLEEP_SLICE_MS));
    }
    while (nowNs() < options.startAt) {
      // spin the last millisecond: a timer would wake up late by up to a few ms
    }
  }
  result.startedAt = nowNs();

  let lastProgress = result.startedAt;
  if (warmup > 0) progress('warmup', 0, warmup);
  for (let i = 0; i < warmup; i++) {
    if (stop()) return finish(true);
    const s = nowNs();
    await run();
    const e = nowNs();
    if (i === 0) result.firstBatchMs = (e - s) / 1e6;
    result.warmupDone = i + 1;
    if (e - lastProgress >= every) {
      lastProgress = e;
      progress('warmup', i + 1, warmup);
    }
  }

  const total = durationMs === undefined ? steps : null;
  progress('measure', 0, total);
  const noiseBefore = noiseSnapshot();
  const { starts, ends } = result;
  // The measured span is first start to last end (what the controller checks): a process
  // descheduled between a batch's end and this check must not end the run short of it.
  const spanNs = (): number => (ends.length === 0 ? 0 : (ends[ends.length - 1] as number) - (starts[0] as number));
  for (;;) {
    const done = starts.length;
    if (done >= steps && (durationMs === undefined || spanNs() >= durationMs * 1e6)) break;
    if (stop()) return finish(true);
    const s = nowNs();
    await run();
    const e = nowNs();
    starts.push(s);
    ends.push(e);
    if (e - lastProgress >= every) {
      lastProgress = e;
      progress('measure', starts.length, total);
    }
  }
  return { ...finish(false), noise: noiseBetween(noiseBefore, noiseSnapshot()) };
}

// The agent's request loop: reads NDJSON requests, answers each by id, runs one benchmark at a
// time while still reading (so `stop` and `ping` get through between batches). Every failure
// becomes an `error` message; a failure without an id ends the agent after saying so.
import type { Readable, Writable } from 'node:stream';
import type ort from 'onnxruntime-node';
import { AgentFailure, asAgentFailure } from './agent-failure.js';
import { loadModel, makeInput, type LoadedModel } from './infer.js';
import { parseRequestLine } from './parse-request.js';
import { mainThreadExecutor, poolKey, startWorkerPool, type WorkerPool } from './batch-executors.js';
import { ErrorCode, PROTOCOL_VERSION, type AgentMessage, type LoadRequest, type Request, type RunRequest, type ServeRequest } from './protocol.js';
import { runScenario, scenarioSettings } from './run-scenario.js';
import type { BatchExecutor } from './serve-queries.js';
import { nowNs, runBatches, validateRunOptions } from './run-batches.js';
import { collectSysInfo } from './sysinfo.js';

export interface ServeOptions {
  /** Where requests arrive (the process's stdin). Paused and released when the agent ends. */
  input: Readable;
  /** Where answers go (the process's stdout): protocol messages only. */
  output: Writable;
  /** Log lines (never on the protocol stream). @default writes `agent: ...` lines to stderr */
  log?: (message: string) => void;
}

/** Exit codes of the agent process. */
export const AgentExit = {
  /** bye, or the controller closed stdin. */
  ok: 0,
  /** A fatal error was reported (id null) or the output stream broke. */
  fatal: 1,
} as const;

// A line longer than this is not a request (the biggest real one is a few hundred bytes).
const MAX_LINE_BYTES = 1 << 20;

interface ActiveRun {
  id: number;
  stopRequested: boolean;
  done: Promise<void>;
}

/** Serves the protocol until bye, end of input or a fatal error; resolves with the exit code. */
export function serveAgent(options: ServeOptions): Promise<number> {
  const { input, output } = options;
  const log = options.log ?? ((message: string) => process.stderr.write(`agent: ${message}\n`));
  let model: LoadedModel | undefined;
  let tensor: { batch: number; value: ort.Tensor } | undefined;
  let loading = false;
  // Sessions of the open-loop scenarios, kept between serve requests of the same shape.
  let executors: { key: string; list: BatchExecutor[]; pool?: WorkerPool } | undefined;
  let active: ActiveRun | undefined;
  let ending = false;
  let closing = false;
  let buffer = '';
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });

  const send = (message: AgentMessage): void => {
    if (output.writable) output.write(`${JSON.stringify(message)}\n`);
  };
  const sendError = (id: number | null, code: ErrorCode, message: string): void => {
    log(`${id === null ? 'fatal' : `request ${id}`}: ${code}: ${message}`);
    send({ type: 'error', id, code, message });
  };

  const inputFor = (batch: number): ort.Tensor => {
    if (!model) throw new AgentFailure(ErrorCode.notLoaded, 'no model is loaded: send load first');
    if (tensor?.batch !== batch) {
      tensor = undefined; // let the old one go before allocating a new one
      tensor = { batch, value: makeInput(model, batch) };
    }
    return tensor.value;
  };

  const releaseExecutors = async (): Promise<void> => {
    const pool = executors?.pool;
    executors = undefined;
    await pool?.release().catch(() => undefined);
  };

  /** The executors for a serve request: the main-thread session, or a pool of worker sessions. */
  const executorsFor = async (current: LoadedModel, concurrency: number, maxBatch: number): Promise<BatchExecutor[]> => {
    const key = poolKey(current, concurrency, maxBatch);
    if (executors?.key === key) return executors.list;
    await releaseExecutors();
    if (concurrency === 1) {
      tensor = undefined; // the executor makes its own input buffer
      executors = { key, list: [mainThreadExecutor(current, maxBatch)] };
    } else {
      const pool = await startWorkerPool(current, concurrency, maxBatch);
      executors = { key, list: pool.executors, pool };
    }
    return executors.list;
  };

  /** Ends the agent once: stops a run, waits for its answer, flushes output, releases the model. */
  const finish = async (code: number): Promise<void> => {
    if (ending) return;
    ending = true;
    input.off('data', onData);
    input.off('end', onEnd);
    input.pause();
    if (active) {
      active.stopRequested = true;
      await active.done;
    }
    await new Promise<void>((resolve) => (output.writable ? output.write('', () => resolve()) : resolve()));
    const releasing = model;
    model = undefined;
    tensor = undefined;
    await releaseExecutors();
    await releasing?.session.release().catch(() => undefined);
    input.destroy();
    resolveExit(code);
  };

  const fatal = (code: ErrorCode, message: string): void => {
    sendError(null, code, message);
    void finish(AgentExit.fatal);
  };

  const load = async (request: LoadRequest): Promise<void> => {
    if (active) return sendError(request.id, ErrorCode.busy, `cannot load while run ${active.id} is running`);
    if (loading) return sendError(request.id, ErrorCode.busy, 'another load is in progress');
    loading = true;
    try {
      const previous = model;
      model = undefined;
      tensor = undefined;
      await releaseExecutors();
      await previous?.session.release();
      const loaded = await loadModel({
        path: request.model,
        intraOpThreads: request.intraOpThreads,
        ...(request.sha256 === undefined ? {} : { sha256: request.sha256 }),
        ...(request.interOpThreads === undefined ? {} : { interOpThreads: request.interOpThreads }),
      });
      model = loaded;
      try {
        inputFor(request.batch);
      } catch (error) {
        model = undefined;
        await loaded.session.release();
        throw error;
      }
      log(`loaded ${request.model} (${request.precision}, ${loaded.intraOpThreads}+${loaded.interOpThreads} threads) in ${loaded.loadMs.toFixed(0)} ms`);
      send({
        type: 'loaded',
        id: request.id,
        loadMs: loaded.loadMs,
        inputName: loaded.inputName,
        inputShape: loaded.inputShape,
        outputName: loaded.outputName,
        intraOpThreads: loaded.intraOpThreads,
        interOpThreads: loaded.interOpThreads,
        rssBytes: process.memoryUsage.rss(),
      });
    } catch (error) {
      const failure = asAgentFailure(error, ErrorCode.modelInvalid, `cannot load ${request.model}`);
      sendError(request.id, failure.code, failure.message);
    } finally {
      loading = false;
    }
  };

  const run = (request: RunRequest): void => {
    if (active) return sendError(request.id, ErrorCode.busy, `run ${active.id} is still running`);
    if (loading) return sendError(request.id, ErrorCode.busy, 'a load is in progress');
    let input: ort.Tensor;
    const current = model;
    try {
      validateRunOptions(request);
      input = inputFor(request.batch);
      if (!current) throw new AgentFailure(ErrorCode.notLoaded, 'no model is loaded: send load first');
    } catch (error) {
      const failure = asAgentFailure(error, ErrorCode.badRequest, 'cannot start the run');
      return sendError(request.id, failure.code, failure.message);
    }
    const state: ActiveRun = { id: request.id, stopRequested: false, done: Promise.resolve() };
    active = state;
    state.done = runBatches({
      model: current,
      input,
      warmup: request.warmup,
      steps: request.steps,
      ...(request.startAt === undefined ? {} : { startAt: request.startAt }),
      ...(request.durationMs === undefined ? {} : { durationMs: request.durationMs }),
      ...(request.progressEveryMs === undefined ? {} : { progressEveryMs: request.progressEveryMs }),
      onProgress: (phase, done, total) => send({ type: 'progress', id: request.id, phase, done, total }),
      shouldStop: () => state.stopRequested,
    }).then(
      (result) => {
        log(`run ${request.id}: ${result.starts.length} batches of ${result.batch}${result.stopped ? ' (stopped)' : ''}`);
        send({ type: 'result', id: request.id, ...result });
      },
      (error: unknown) => {
        const failure = asAgentFailure(error, ErrorCode.inference, 'run failed');
        sendError(request.id, failure.code, failure.message);
      },
    ).finally(() => {
      if (active === state) active = undefined;
    });
  };

  const serve = (request: ServeRequest): void => {
    if (active) return sendError(request.id, ErrorCode.busy, `run ${active.id} is still running`);
    if (loading) return sendError(request.id, ErrorCode.busy, 'a load is in progress');
    const current = model;
    let settings: ReturnType<typeof scenarioSettings>;
    try {
      if (!current) throw new AgentFailure(ErrorCode.notLoaded, 'no model is loaded: send load first');
      settings = scenarioSettings(request);
    } catch (error) {
      const failure = asAgentFailure(error, ErrorCode.badRequest, 'cannot start serving');
      return sendError(request.id, failure.code, failure.message);
    }
    const state: ActiveRun = { id: request.id, stopRequested: false, done: Promise.resolve() };
    active = state;
    state.done = executorsFor(current, settings.concurrency, settings.maxBatch)
      .then((list) =>
        runScenario({
          request,
          settings,
          executors: list,
          onProgress: (phase, done, total) => send({ type: 'progress', id: request.id, phase, done, total }),
          shouldStop: () => state.stopRequested,
        }),
      )
      .then(
        (result) => {
          const served = result.sizes.reduce((a, b) => a + b, 0);
          log(`serve ${request.id}: ${request.scenario}, ${served} of ${result.arrivalsMs.length} queries in ${result.sizes.length} batches${result.gaveUp ? ' (gave up: overloaded)' : ''}${result.stopped ? ' (stopped)' : ''}`);
          send({ type: 'served', id: request.id, ...result });
        },
        (error: unknown) => {
          const failure = asAgentFailure(error, ErrorCode.inference, 'serving failed');
          sendError(request.id, failure.code, failure.message);
        },
      )
      .finally(() => {
        if (active === state) active = undefined;
      });
  };

  const handle = (request: Request, receivedAt: number): void => {
    switch (request.type) {
      case 'hello':
        send({ type: 'hello', id: request.id, protocol: PROTOCOL_VERSION, pid: process.pid, sysinfo: collectSysInfo() });
        return;
      case 'ping':
        send({ type: 'pong', id: request.id, t0: request.t0, t1: receivedAt, t2: nowNs() });
        return;
      case 'load':
        void load(request);
        return;
      case 'run':
        run(request);
        return;
      case 'serve':
        serve(request);
        return;
      case 'stop':
        if (active) active.stopRequested = true;
        send({ type: 'ok', id: request.id });
        return;
      case 'bye': {
        const running = active;
        if (running) running.stopRequested = true;
        closing = true; // later lines are not read
        void (running?.done ?? Promise.resolve()).then(() => {
          send({ type: 'ok', id: request.id });
          return finish(AgentExit.ok);
        });
        return;
      }
    }
  };

  const onLine = (line: string, receivedAt: number): void => {
    const parsed = parseRequestLine(line);
    if (!parsed.ok) {
      if (parsed.id === null) fatal(ErrorCode.badRequest, parsed.message);
      else sendError(parsed.id, ErrorCode.badRequest, parsed.message);
      return;
    }
    try {
      handle(parsed.request, receivedAt);
    } catch (error) {
      const failure = asAgentFailure(error, ErrorCode.internal, `'${parsed.request.type}' failed`);
      sendError(parsed.request.id, failure.code, failure.message);
    }
  };

  function onData(chunk: string): void {
    const receivedAt = nowNs();
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline >= 0 && !ending && !closing) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
      if (line !== '') onLine(line, receivedAt);
    }
    if (buffer.length > MAX_LINE_BYTES && !ending) fatal(ErrorCode.badRequest, `request line longer than ${MAX_LINE_BYTES} bytes`);
  }

  function onEnd(): void {
    const rest = buffer.trim();
    buffer = '';
    if (rest !== '' && !ending && !closing) onLine(rest, nowNs());
    log('input closed');
    void finish(AgentExit.ok);
  }

  input.setEncoding('utf8');
  input.on('data', onData);
  input.on('end', onEnd);
  input.on('error', () => void finish(AgentExit.fatal));
  output.on('error', () => void finish(AgentExit.fatal));
  return exited;
}

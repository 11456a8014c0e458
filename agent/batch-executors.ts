// Where the open-loop scenarios run their batches. onnxruntime-node runs a session on the
// calling (main) thread, so in-flight concurrency above 1 needs more threads: `concurrency`
// worker threads, each with its own session of the same model. Batches of any size up to
// `maxBatch` are views over one deterministic input buffer (no copy per batch).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type ort from 'onnxruntime-node';
import ortModule from './onnxruntime.js';
import { AgentFailure, asAgentFailure } from './agent-failure.js';
import { imageShape, loadModel, makeInput, type LoadedModel } from './infer.js';
import { ErrorCode } from './protocol.js';
import { nowNs } from './run-batches.js';
import type { BatchExecutor } from './serve-queries.js';

/** Input tensors of every batch size up to `maxBatch`, sharing one buffer. */
function batchInputs(model: LoadedModel, maxBatch: number): (size: number) => ort.Tensor {
  const full = makeInput(model, maxBatch);
  const shape = imageShape(model);
  const perImage = shape.reduce((a, b) => a * b, 1);
  const data = full.data as Float32Array;
  const views = new Map<number, ort.Tensor>([[maxBatch, full]]);
  return (size) => {
    let view = views.get(size);
    if (!view) {
      if (!Number.isInteger(size) || size < 1 || size > maxBatch) throw new AgentFailure(ErrorCode.badRequest, `batch of ${size} is outside 1..${maxBatch}`);
      view = new ortModule.Tensor('float32', data.subarray(0, size * perImage), [size, ...shape]);
      views.set(size, view);
    }
    return view;
  };
}

/** Runs batches on a session of this thread. */
export function mainThreadExecutor(model: LoadedModel, maxBatch: number): BatchExecutor {
  const inputFor = batchInputs(model, maxBatch);
  return {
    async run(size) {
      const feeds = { [model.inputName]: inputFor(size) };
      const start = nowNs();
      try {
        await model.session.run(feeds);
      } catch (error) {
        throw asAgentFailure(error, ErrorCode.inference, `inference failed on ${model.path}`);
      }
      return { start, end: nowNs() };
    },
  };
}

interface WorkerSetup {
  vharnessExecutor: true;
  path: string;
  intraOpThreads: number;
  maxBatch: number;
}
type WorkerReply = { kind: 'ready' } | { kind: 'done'; start: number; end: number } | { kind: 'error'; code: ErrorCode; message: string };

/** Worker executors of one model; `release()` ends their threads. */
export interface WorkerPool {
  executors: BatchExecutor[];
  key: string;
  release(): Promise<void>;
}

function startWorker(setup: WorkerSetup): Promise<{ worker: Worker; executor: BatchExecutor }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: setup });
  let pending: { resolve: (v: { start: number; end: number }) => void; reject: (e: Error) => void } | undefined;
  let crashed: Error | undefined;
  const fail = (error: Error): void => {
    crashed = error;
    pending?.reject(error);
    pending = undefined;
  };
  return new Promise((resolve, reject) => {
    worker.on('error', (error) => {
      fail(asAgentFailure(error, ErrorCode.internal, 'an inference worker failed'));
      reject(crashed);
    });
    worker.on('exit', () => fail(new AgentFailure(ErrorCode.internal, 'an inference worker ended')));
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'ready') {
        resolve({
          worker,
          executor: {
            run(size) {
              if (crashed) return Promise.reject(crashed);
              return new Promise((res, rej) => {
                pending = { resolve: res, reject: rej };
                worker.postMessage(size);
              });
            },
          },
        });
      } else if (reply.kind === 'error') {
        const error = new AgentFailure(reply.code, reply.message);
        if (pending) fail(error);
        else reject(error);
      } else {
        const done = pending;
        pending = undefined;
        done?.resolve({ start: reply.start, end: reply.end });
      }
    });
  });
}

/** Starts `count` worker threads, each loading `model.path` with the model's intra-op threads. */
export async function startWorkerPool(model: LoadedModel, count: number, maxBatch: number): Promise<WorkerPool> {
  const setup: WorkerSetup = { vharnessExecutor: true, path: model.path, intraOpThreads: model.intraOpThreads, maxBatch };
  const started = await Promise.allSettled(Array.from({ length: count }, () => startWorker(setup)));
  const workers = started.filter((s) => s.status === 'fulfilled').map((s) => s.value.worker);
  const release = async (): Promise<void> => {
    await Promise.all(workers.map((w) => w.terminate()));
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await release();
    throw asAgentFailure(failed.reason, ErrorCode.internal, 'cannot start the inference workers');
  }
  return {
    executors: started.map((s) => (s as PromiseFulfilledResult<{ executor: BatchExecutor }>).value.executor),
    key: poolKey(model, count, maxBatch),
    release,
  };
}

/** What a pool was made for: reused while the same model, count and max batch are asked for. */
export function poolKey(model: LoadedModel, count: number, maxBatch: number): string {
  return `${model.path}|${model.intraOpThreads}|${count}|${maxBatch}`;
}

// Inside a worker thread started above: load the session, then run batches on request.
async function workerMain(setup: WorkerSetup): Promise<void> {
  const port = parentPort;
  if (!port) return;
  try {
    const model = await loadModel({ path: setup.path, intraOpThreads: setup.intraOpThreads });
    const executor = mainThreadExecutor(model, setup.maxBatch);
    port.on('message', (size: number) => {
      executor.run(size).then(
        (r) => port.postMessage({ kind: 'done', ...r } satisfies WorkerReply),
        (error: unknown) => {
          const failure = asAgentFailure(error, ErrorCode.inference, 'inference failed');
          port.postMessage({ kind: 'error', code: failure.code, message: failure.message } satisfies WorkerReply);
        },
      );
    });
    port.postMessage({ kind: 'ready' } satisfies WorkerReply);
  } catch (error) {
    const failure = asAgentFailure(error, ErrorCode.modelInvalid, `cannot load ${setup.path} in a worker`);
    port.postMessage({ kind: 'error', code: failure.code, message: failure.message } satisfies WorkerReply);
  }
}

if (!isMainThread && (workerData as Partial<WorkerSetup> | null)?.vharnessExecutor === true) {
  void workerMain(workerData as WorkerSetup);
}

// Worker thread of prepare-models.ts: builds or quantizes one model (seconds to minutes of
// synchronous work) off the controller's main thread, so that Ctrl-C is seen at once and the
// worker is ended; posts progress lines, then the model's facts or its failure.
import { parentPort, workerData } from 'node:worker_threads';
import { ModelFailure } from '../../model/model-failure.js';
import { ensureModel } from '../../model/resolve.js';
import type { Precision } from '../core/vocabulary.js';

/** What the worker is asked for. */
export interface ModelJob {
  spec: string;
  precision: Precision;
  seed: number;
}

/** What it answers. */
export type ModelWorkerMessage =
  | { type: 'log'; message: string }
  | { type: 'done'; info: Awaited<ReturnType<typeof ensureModel>> }
  | { type: 'failed'; message: string; modelFailure: { kind: ModelFailure['kind']; hint: string | undefined } | null };

const job = workerData as ModelJob;
const post = (message: ModelWorkerMessage): void => parentPort?.postMessage(message);

ensureModel(job.spec, job.precision, { seed: job.seed, log: (message) => post({ type: 'log', message }) }).then(
  (info) => post({ type: 'done', info }),
  (error: unknown) =>
    post({
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
      modelFailure: error instanceof ModelFailure ? { kind: error.kind, hint: error.hint } : null,
    }),
);

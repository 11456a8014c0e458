// Builds (or finds in the cache) the model files a run needs, one per precision. Each build
// runs in a worker thread: the main thread stays free for signals, and an interrupt ends the
// worker at once (the cache only ever receives complete files: it writes, then renames).
import { Worker } from 'node:worker_threads';
import { ModelFailure } from '../../model/model-failure.js';
import type { ModelInfo } from '../../model/types.js';
import type { ModelChoice } from '../config/types.js';
import type { Precision } from '../core/vocabulary.js';
import type { Logger } from '../log.js';
import { InterruptedError } from './abortable.js';
import type { ModelJob, ModelWorkerMessage } from './model-worker.js';

function ensureModelOffThread(job: ModelJob, log: (message: string) => void, signal: AbortSignal | undefined): Promise<ModelInfo> {
  if (signal?.aborted) return Promise.reject(new InterruptedError('model preparation', signal.reason));
  return new Promise<ModelInfo>((resolve, reject) => {
    const worker = new Worker(new URL('./model-worker.js', import.meta.url), { workerData: job });
    const onAbort = (): void => {
      void worker.terminate();
      reject(new InterruptedError('model preparation', signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
    };
    worker.on('message', (message: ModelWorkerMessage) => {
      if (message.type === 'log') return log(message.message);
      settle();
      if (message.type === 'done') resolve(message.info);
      else reject(message.modelFailure ? new ModelFailure(message.message, { kind: message.modelFailure.kind, ...(message.modelFailure.hint !== undefined ? { hint: message.modelFailure.hint } : {}) }) : new Error(message.message));
    });
    worker.on('error', (error) => {
      settle();
      reject(error);
    });
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new Error(`the model worker ended (exit ${code}) before answering`));
    });
  });
}

/** The model of each precision the cells use (an explicit int8 file wins over quantizing). */
export async function prepareModels(choice: ModelChoice, precisions: Precision[], log: Logger, signal?: AbortSignal): Promise<Map<Precision, ModelInfo>> {
  const out = new Map<Precision, ModelInfo>();
  for (const precision of precisions) {
    const spec = precision === 'int8' && choice.int8Path !== undefined ? choice.int8Path : choice.arch;
    log.progress(`model: preparing ${choice.arch} ${precision}`);
    log.debug(`phase: model ${precision}`);
    const info = await ensureModelOffThread({ spec, precision, seed: choice.seed }, (message) => log.progress(`model ${precision}: ${message}`), signal);
    log.info(`model ${precision}: ${info.path} (${(info.bytes / 1e6).toFixed(1)} MB, sha256 ${info.sha256.slice(0, 12)})`);
    out.set(precision, info);
  }
  return out;
}

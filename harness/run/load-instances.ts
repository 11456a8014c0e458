// Loads the cell's model into every instance with the same options (threads, batch).
import type { Precision } from '../core/vocabulary.js';
import type { Instance } from './instances.js';
import { Timeouts } from './timeouts.js';
import { untilAborted } from './abortable.js';

export interface LoadOptions {
  precision: Precision;
  threads: number;
  batch: number;
  /** Path of the model on each instance's machine, by instance name. */
  paths: Map<string, string>;
  sha256: string;
  /** Stops waiting for the loads (SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

/** Loads on all instances in parallel; rejects with the first failure. */
export async function loadInstances(instances: Instance[], options: LoadOptions): Promise<void> {
  const loads = Promise.all(
    instances.map((i) =>
      i.session.request(
        'load',
        { model: options.paths.get(i.name) ?? '', sha256: options.sha256, precision: options.precision, intraOpThreads: options.threads, interOpThreads: 1, batch: options.batch },
        { timeoutMs: Timeouts.load },
      ),
    ),
  );
  await untilAborted(loads, options.signal, 'model load');
}

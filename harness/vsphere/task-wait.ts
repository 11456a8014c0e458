// Waiting for a vim25 Task: poll `info` with exponential backoff until success or error, or
// fail at the deadline naming the task's method and object.
import type { VimClient } from './client.js';
import { localizedFault, VsphereFault } from './fault.js';
import { MoRef } from './moref.js';
import { asString, type VimValue } from './value.js';

export interface TaskWaitOptions {
  /** Give up after this long (ms). @default 600000 */
  timeoutMs?: number;
  /** First poll delay; doubles up to `maxDelayMs`. @default 50 */
  initialDelayMs?: number;
  /** @default 2000 */
  maxDelayMs?: number;
  /** Stops waiting (the task keeps running on the server). */
  signal?: AbortSignal;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves with the task's result (e.g. the clone's MoRef); rejects with the task's fault. */
export async function waitForTask(client: VimClient, task: MoRef, method: string, object: MoRef, options: TaskWaitOptions = {}): Promise<VimValue> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new VsphereFault({ fault: 'InvalidArgument', message: `Expected timeoutMs to be a positive number, got ${timeoutMs}`, method });
  const deadline = Date.now() + timeoutMs;
  let delay = options.initialDelayMs ?? 50;
  const maxDelay = options.maxDelayMs ?? 2000;
  for (;;) {
    const props = await client.properties(task, ['info.state', 'info.error', 'info.result']);
    const state = asString(props['info.state']);
    if (state === 'success') return props['info.result'];
    if (state === 'error') {
      const f = localizedFault(props['info.error']);
      throw new VsphereFault({ fault: f.fault, message: f.message, method, object, detail: f.detail });
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new VsphereFault({ fault: 'Timeout', message: `task ${task.value} still ${state ?? 'unknown'} after ${timeoutMs} ms`, method, object });
    await sleep(Math.min(delay, left), options.signal);
    delay = Math.min(delay * 2, maxDelay);
  }
}

/** Calls a `*_Task` method and waits for it. */
export async function runTask(client: VimClient, method: string, self: MoRef, params: Record<string, VimValue>, options: TaskWaitOptions = {}): Promise<VimValue> {
  const task = await client.call(method, self, params);
  if (!(task instanceof MoRef) || task.type !== 'Task') throw new VsphereFault({ fault: 'Protocol', message: 'expected a Task reference', method, object: self });
  return waitForTask(client, task, method, self, options);
}

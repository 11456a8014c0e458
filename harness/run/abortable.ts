// Waiting on work that cannot itself be cancelled (an SSH upload, a model build, an agent's
// hello) while honouring an AbortSignal: the wait ends at once when the signal fires, even
// when it fired before the wait began; the work is left to its own timeout or cleanup.
import { ExitCode, VharnessError } from '../errors.js';

/** The run was stopped by SIGINT/SIGTERM (or a caller's abort) before this step ended. */
export class InterruptedError extends VharnessError {
  constructor(step: string, reason: unknown) {
    const name = typeof reason === 'string' ? reason : 'abort';
    super(`interrupted (${name}) during ${step}`, name === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted);
  }
}

/** Throws InterruptedError when `signal` has already fired. */
export function throwIfInterrupted(signal: AbortSignal | undefined, step: string): void {
  if (signal?.aborted) throw new InterruptedError(step, signal.reason);
}

/** Resolves or rejects with `work`, or rejects with InterruptedError as soon as `signal` fires. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, step: string): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new InterruptedError(step, signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      work.catch(() => undefined);
      reject(new InterruptedError(step, signal.reason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

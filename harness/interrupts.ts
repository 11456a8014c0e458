// Process-level SIGINT/SIGTERM for long commands: the first signal aborts an AbortSignal (the
// command stops its phases and keeps what is stored, then exits 130/143); a second one ends
// the process at once with the same code (leases and stored cells are already on disk).
import { ExitCode } from './errors.js';
import type { Logger } from './log.js';

export interface InterruptTrap {
  signal: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM, undefined before any signal. */
  code(): number | undefined;
  /** Removes the handlers (the default behaviour of both signals returns). */
  dispose(): void;
}

const SIGNALS = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated } as const;
type SignalName = keyof typeof SIGNALS;

/** Installs the handlers; `what` names what the first signal stops (for the log line). */
export function trapInterrupts(log: Logger, what: string): InterruptTrap {
  const controller = new AbortController();
  let code: number | undefined;
  const handlers = new Map<SignalName, () => void>();
  const dispose = (): void => {
    for (const [name, handler] of handlers) process.off(name, handler);
    handlers.clear();
  };
  for (const name of Object.keys(SIGNALS) as SignalName[]) {
    const handler = (): void => {
      if (code === undefined) {
        code = SIGNALS[name];
        log.warn(`${name}: ${what}; a second Ctrl-C stops at once`);
        controller.abort(name);
        return;
      }
      log.warn(`${name} again: stopping now (created VMs stay listed by 'vharness vms list')`);
      dispose();
      // Without our handlers the signal's default action ends the process (exit 128 + signal number).
      process.kill(process.pid, name);
    };
    handlers.set(name, handler);
    process.on(name, handler);
  }
  return { signal: controller.signal, code: () => code, dispose };
}

// Test fixture: a real sshd lab (harness/lab) in a temp directory, plus what tests need to
// reach it: endpoints, connect options, a log recorder. Callers must `stop()` it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../harness/lab/free-port.js';
import { guestAddress, labDown, labUp } from '../../harness/lab/lab.js';
import type { LabGuest, LabState } from '../../harness/lab/state.js';
import type { Logger } from '../../harness/log.js';
import type { SshConnectOptions, SshEndpoint } from '../../harness/transport/ssh-connect.js';

/** A Logger that keeps every line (tests assert on what the user would read). */
export interface RecordingLogger extends Logger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const push = (kind: string) => (message: string) => {
    lines.push(`${kind}: ${message}`);
  };
  return { lines, info: push('info'), warn: push('warn'), error: push('error'), debug: push('debug'), progress: () => undefined };
}

export interface TestLab {
  state: LabState;
  dir: string;
  guest(index: number): LabGuest;
  endpoint(guest: LabGuest): SshEndpoint;
  connectOptions(overrides?: Partial<SshConnectOptions>): SshConnectOptions;
  stop(): Promise<void>;
}

/** Starts `guests` sshd guests (those in `withoutNode`, 1-based, hide node). */
export async function startTestLab(guests: number, withoutNode: number[] = []): Promise<TestLab> {
  const root = await mkdtemp(join(tmpdir(), 'vharness-lab-'));
  const dir = join(root, 'lab');
  // A free port rather than the lab's preferred 2222, which a user's own lab may hold.
  const port = await findFreePort(Array.from({ length: guests }, (_, i) => guestAddress(i)));
  const state = await labUp({ dir, guests, withoutNode, port }, recordingLogger());
  let stopped = false;
  return {
    state,
    dir,
    guest(index) {
      const guest = state.guests[index];
      if (!guest) throw new Error(`no guest ${index}`);
      return guest;
    },
    endpoint: (guest) => ({ name: guest.name, address: guest.address, port: guest.port, user: state.user, key: { file: state.clientKey } }),
    connectOptions: (overrides = {}) => ({
      knownHosts: state.knownHosts,
      trustOnFirstUse: false,
      connectTimeoutMs: 10_000,
      retries: 2,
      keepaliveIntervalMs: 1000,
      keepaliveCountMax: 3,
      ...overrides,
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await labDown(dir, recordingLogger());
      await rm(root, { recursive: true, force: true });
    },
  };
}

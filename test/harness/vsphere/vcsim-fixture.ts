// Test fixture: the real simulated vCenter (test/lab/vcsim) in a temp directory, and clients
// for it. Callers must `stop()` it; it also exits by itself when the test process does.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVcenterSim, stopVcenterSim, type VcenterSimOptions, type VcenterSimState } from '../../../harness/lab/vcsim.js';
import type { SshSettings, VsphereSettings } from '../../../harness/config/types.js';
import type { Logger } from '../../../harness/log.js';
import { VimClient } from '../../../harness/vsphere/client.js';
import type { Trust } from '../../../harness/vsphere/trust-agent.js';

export interface RecordingLogger extends Logger {
  lines: string[];
  /** Called with each line as it is logged. */
  onLine?: (line: string) => void;
}

export function recordingLogger(): RecordingLogger {
  const logger: RecordingLogger = {
    lines: [],
    info: (m) => push(`info: ${m}`),
    warn: (m) => push(`warn: ${m}`),
    error: (m) => push(`error: ${m}`),
    debug: (m) => push(`debug: ${m}`),
    progress: () => undefined,
  };
  function push(line: string): void {
    logger.lines.push(line);
    logger.onLine?.(line);
  }
  return logger;
}

export interface TestVcenter {
  state: VcenterSimState;
  root: string;
  password: string;
  ca: Trust;
  client(overrides?: { password?: string; trust?: Trust; log?: Logger }): VimClient;
  stop(): Promise<void>;
}

export async function startTestVcenter(options: Omit<VcenterSimOptions, 'watchParent'> = {}): Promise<TestVcenter> {
  const root = await mkdtemp(join(tmpdir(), 'vharness-vcsim-'));
  const state = await startVcenterSim(root, { ...options, watchParent: true });
  const pem = await readFile(state.certFile, 'utf8');
  const password = options.password ?? 'any-password';
  const ca: Trust = { kind: 'ca', pem, file: state.certFile };
  const clients: VimClient[] = [];
  return {
    state,
    root,
    password,
    ca,
    client(overrides = {}) {
      const c = new VimClient({
        url: state.url,
        user: options.user ?? 'tester',
        password: overrides.password ?? password,
        trust: overrides.trust ?? ca,
        log: overrides.log ?? recordingLogger(),
      });
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await stopVcenterSim(state);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** SSH settings for providers that never open SSH (deploy: false). */
export const NO_SSH: SshSettings = { knownHosts: '/dev/null', trustOnFirstUse: false, connectTimeoutMs: 5000, retries: 1, keepaliveIntervalMs: 1000, keepaliveCountMax: 3, concurrency: 4 };

/** vSphere settings for the test vCenter: cluster DC0_C0, an 8-address loopback pool, teardown always. */
export function testVsphereSettings(vc: TestVcenter, passwordEnv: string, overrides: Partial<VsphereSettings> = {}): VsphereSettings {
  return {
    url: vc.state.url,
    user: 'tester',
    password: { env: passwordEnv },
    ca: vc.state.certFile,
    insecure: false,
    datacenter: 'DC0',
    cluster: 'DC0_C0',
    template: vc.state.template,
    namePattern: 'vh-{config}-{index}',
    ipPool: { cidr: '127.0.0.0/8', addresses: Array.from({ length: 8 }, (_, i) => `127.0.0.${11 + i}`) },
    guest: { port: 22, user: 'root', node: 'auto', dir: '~/.vharness' },
    cloneConcurrency: 4,
    placement: 'spread',
    teardown: 'always',
    leaseHours: 72,
    ipTimeoutMs: 20_000,
    requestTimeoutMs: 60_000,
    ...overrides,
  };
}

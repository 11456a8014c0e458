// What a deploy needs to know about a host before sending anything: its OS and CPU
// architecture (the bundle's native files must match) and the node on its PATH, if any.
import { SshError } from '../errors.js';
import type { SshConnection } from '../transport/ssh-connection.js';
import type { Platform } from './agent-bundle.js';

export interface RemoteFacts {
  platform: Platform;
  /** `v20.11.1`, or null when there is no runnable node on PATH. */
  nodeVersion: string | null;
}

const ARCHES: Record<string, Platform['arch']> = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64' };

/** Asks the host for `uname -s`, `uname -m` and `node --version` in one command. */
export async function remoteFacts(connection: SshConnection): Promise<RemoteFacts> {
  const out = await connection.run('uname -s; uname -m; node --version 2>/dev/null || echo none', { timeoutMs: 30_000 });
  const [os = '', machine = '', node = 'none'] = out.trim().split('\n').map((l) => l.trim());
  if (os !== 'Linux') throw new SshError(connection.host, `the agent runs on Linux hosts only; this one is '${os}'`);
  const arch = ARCHES[machine];
  if (!arch) throw new SshError(connection.host, `unsupported CPU architecture '${machine}' (supported: ${Object.keys(ARCHES).join(', ')})`);
  return { platform: { os: 'linux', arch }, nodeVersion: /^v\d+\./.test(node) ? node : null };
}

/** Major version of a `vNN.x.y` string. */
export function nodeMajor(version: string): number {
  return Number(/^v(\d+)\./.exec(version)?.[1] ?? 0);
}

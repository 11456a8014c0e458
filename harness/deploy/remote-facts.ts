// What a deploy needs to know about a host before sending anything, asked in ONE command
// (each exec costs a login shell on the host, ~0.1 s or more): the home directory, the OS
// and CPU architecture (the bundle's native files must match), the node and zstd on its PATH,
// whether given bundles are already complete there, and the models already staged (so
// staging a model that is there needs no command at all).
import { posix } from 'node:path';
import { SshError } from '../errors.js';
import { shellQuote, type SshConnection } from '../transport/ssh-connection.js';
import type { Platform } from './agent-bundle.js';

export interface RemoteFacts {
  /** The remote vharness directory with `~` expanded. */
  root: string;
  platform: Platform;
  /** `v20.11.1`, or null when there is no runnable node on PATH. */
  nodeVersion: string | null;
  /** Whether a runnable `zstd` is on PATH (bundles then travel as tar.zst). */
  zstd: boolean;
  /** For each path asked about (relative to root): whether it exists. */
  present: boolean[];
  /** File names in `<root>/models/` (complete models: they get their name last). */
  models: string[];
}

const ARCHES: Record<string, Platform['arch']> = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64' };

/** A shell word for `dir` that expands a leading `~/` on the host. */
function rootWord(dir: string): string {
  if (dir === '~') return '"$HOME"';
  if (dir.startsWith('~/')) return `"$HOME"/${shellQuote(dir.slice(2))}`;
  return shellQuote(dir);
}

/** Asks the host for its facts and whether `paths` (relative to `dir`) exist. */
export async function remoteFacts(connection: SshConnection, dir: string, paths: string[] = []): Promise<RemoteFacts> {
  const root = rootWord(dir);
  const checks = paths.map((p) => `if test -e ${root}/${shellQuote(p)}; then echo present; else echo absent; fi`);
  const command = [`printf '%s\\n' ${root}`, 'uname -sm', '{ node --version 2>/dev/null || echo none; }', 'if test -x "$(command -v zstd)"; then echo zstd; else echo none; fi', ...checks, `ls -1 ${root}/models 2>/dev/null || true`].join('; ');
  const lines = (await connection.run(command, { timeoutMs: 30_000 })).trim().split('\n').map((l) => l.trim());
  const [rootPath = '', system = '', node = 'none', zstd = 'none', ...rest] = lines;
  const [os = '', machine = ''] = system.split(/\s+/);
  if (os !== 'Linux') throw new SshError(connection.host, `the agent runs on Linux hosts only; this one is '${os}'`);
  const arch = ARCHES[machine];
  if (!arch) throw new SshError(connection.host, `unsupported CPU architecture '${machine}' (supported: ${Object.keys(ARCHES).join(', ')})`);
  if (!posix.isAbsolute(rootPath)) throw new SshError(connection.host, `the remote directory '${dir}' does not resolve to an absolute path (got '${rootPath}')`);
  return {
    root: rootPath,
    platform: { os: 'linux', arch },
    nodeVersion: /^v\d+\./.test(node) ? node : null,
    zstd: zstd === 'zstd',
    present: paths.map((_, i) => rest[i] === 'present'),
    models: rest.slice(paths.length).filter((name) => name !== ''),
  };
}

/** Major version of a `vNN.x.y` string. */
export function nodeMajor(version: string): number {
  return Number(/^v(\d+)\./.exec(version)?.[1] ?? 0);
}

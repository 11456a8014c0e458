// Lab guests: one OpenSSH sshd per guest on its own loopback address, each with its own host
// key and sshd_config, each in its own PID and mount namespace (`unshare -m -p --fork
// --kill-child --mount-proc`) so one SIGKILL of the outer pid ends sshd and every session
// process it started (they setsid, so killing sshd alone would leave them running).
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { generateKey } from './keys.js';
import type { LabGuest } from './state.js';

export interface GuestSpec {
  name: string;
  address: string;
  port: number;
  /** Directory for the guest's files (created). */
  dir: string;
  /** `authorized_keys` line(s) for the client key. */
  authorizedKeys: string;
  /** Hide node from the guest (bind-mount an empty file over it inside its namespace). */
  withoutNode: boolean;
  /** Paths of node binaries to hide when `withoutNode`. */
  nodePaths: string[];
  /** Wait this long for sshd to accept connections (ms). @default 10000 */
  readyTimeoutMs?: number;
}

function sshdConfig(spec: GuestSpec, hostKey: string): string {
  return [
    `ListenAddress ${spec.address}:${spec.port}`,
    `HostKey ${hostKey}`,
    'PidFile none',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    `AuthorizedKeysFile ${join(spec.dir, 'authorized_keys')}`,
    'StrictModes no',
    'UseDNS no',
    'PrintMotd no',
    'MaxSessions 64',
    'MaxStartups 64:30:128',
    'Subsystem sftp internal-sftp',
    'LogLevel INFO',
    '',
  ].join('\n');
}

/** The shell run as the namespace's pid 1: private /run for /run/sshd, optional hidden node, then sshd. */
function guestScript(spec: Pick<GuestSpec, 'dir' | 'withoutNode' | 'nodePaths'>, config: string): string {
  const lines = ['set -e', 'mount -t tmpfs -o mode=755 vharness-lab /run', 'mkdir -m 755 /run/sshd'];
  // A guest is a clean host: this machine's ~/.bashrc (sourced by bash for every SSH command)
  // must not run there. A pyenv init in it serializes every command behind one rehash lock,
  // which a killed guest can leave behind: each SSH command then waits 60 s.
  lines.push('if [ -f "$HOME/.bashrc" ]; then mount --bind /dev/null "$HOME/.bashrc"; fi');
  if (spec.withoutNode) {
    const empty = join(spec.dir, 'no-node');
    for (const path of spec.nodePaths) lines.push(`mount --bind '${empty}' '${path}'`);
  }
  lines.push(`exec /usr/sbin/sshd -D -e -f '${config}'`);
  return lines.join('\n');
}

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The host pid of a process's first child (the namespace init under `unshare --fork`). */
async function firstChild(pid: number): Promise<number | null> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    const child = Number(text.trim().split(/\s+/)[0]);
    return Number.isInteger(child) && child > 0 ? child : null;
  } catch {
    return null;
  }
}

/** Starts one guest (new keys and config) and resolves when its sshd accepts TCP connections. */
export async function startGuest(spec: GuestSpec): Promise<LabGuest> {
  await mkdir(join(spec.dir, 'vharness'), { recursive: true });
  const hostKey = join(spec.dir, 'ssh_host_ed25519_key');
  const key = await generateKey(hostKey, `vharness-lab-${spec.name}`);
  await writeFile(join(spec.dir, 'sshd_config'), sshdConfig(spec, hostKey));
  await writeFile(join(spec.dir, 'authorized_keys'), `${spec.authorizedKeys.trim()}\n`, { mode: 0o600 });
  if (spec.withoutNode) await writeFile(join(spec.dir, 'no-node'), '', { mode: 0o644 });
  const pids = await launchGuest(spec);
  return {
    name: spec.name,
    address: spec.address,
    port: spec.port,
    ...pids,
    dir: spec.dir,
    remoteDir: join(spec.dir, 'vharness'),
    hostKeyFingerprint: key.fingerprint,
    node: !spec.withoutNode,
  };
}

/** Runs sshd for a guest whose files exist (first start, or again after it was stopped: same host key). */
export async function launchGuest(spec: Pick<GuestSpec, 'name' | 'address' | 'port' | 'dir' | 'withoutNode' | 'nodePaths' | 'readyTimeoutMs'>): Promise<{ pid: number; innerPid: number | null }> {
  const config = join(spec.dir, 'sshd_config');
  const logFile = join(spec.dir, 'sshd.log');
  const fd = openSync(logFile, 'a');
  const child = spawn('unshare', ['-m', '-p', '--fork', '--kill-child', '--mount-proc', 'sh', '-c', guestScript(spec, config)], {
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.name}: cannot start unshare`);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ?? String(code)));
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 10_000);
  while (!(await canConnect(spec.address, spec.port))) {
    if (exited !== undefined || Date.now() > deadline) {
      if (exited === undefined) process.kill(pid, 'SIGKILL');
      const log = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
      throw new Error(`${spec.name}: sshd on ${spec.address}:${spec.port} did not come up (${exited === undefined ? 'timeout' : `exited ${exited}`})${log ? `:\n${log}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { pid, innerPid: await firstChild(pid) };
}

/** Whether pid is a live (not zombie) process whose command line contains `marker`. */
export async function processAlive(pid: number, marker?: string): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/s.test(stat)) return false;
    if (marker === undefined) return true;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
    return cmdline.includes(marker);
  } catch {
    return false;
  }
}

/**
 * SIGKILLs the guest's outer pid (its namespace goes with it) after checking the pid is still
 * that guest's, and waits until both pids are gone.
 */
export async function stopGuest(guest: LabGuest, timeoutMs = 10_000): Promise<void> {
  const marker = join(guest.dir, 'sshd_config');
  if (await processAlive(guest.pid, marker)) {
    try {
      process.kill(guest.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const pid of [guest.pid, guest.innerPid]) {
    if (pid === null) continue;
    while (await processAlive(pid, marker)) {
      if (Date.now() > deadline) throw new Error(`${guest.name}: pid ${pid} still running ${timeoutMs} ms after SIGKILL`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Whether the guest's sshd is up and reachable. */
export async function guestReachable(guest: LabGuest): Promise<boolean> {
  return (await processAlive(guest.pid, join(guest.dir, 'sshd_config'))) && (await canConnect(guest.address, guest.port));
}

// `vharness probe`: every host of an inventory described by its agent's hello sysinfo (CPU
// model, sockets, cores, threads, VNNI/AMX, memory, NUMA, OS, node). SSH hosts get the agent
// deployed first (content-addressed, so usually nothing moves); this machine runs it locally.
import type { SysInfo } from '../../agent/protocol.js';
import type { Inventory, SshHost } from '../config/types.js';
import { RemoteHost, remoteHostSpec } from '../deploy/remote-host.js';
import type { Logger } from '../log.js';
import { spawnLocalAgent } from '../transport/local.js';
import { AgentSession } from '../transport/session.js';
import { SshPool } from '../transport/ssh-pool.js';

export type HostRole = 'vm' | 'baremetal';

/** One probed host: its facts, or why they could not be had. Outcome as data. */
export interface ProbedHost {
  name: string;
  roles: HostRole[];
  provider: 'local' | 'ssh' | 'vsphere';
  /** `user@address:port` for SSH hosts. */
  address?: string;
  status: 'ok' | 'failed' | 'skipped';
  sysinfo?: SysInfo;
  /** How the agent got node there (SSH hosts). */
  node?: 'system' | 'bundled';
  /** Bytes the deploy uploaded (SSH hosts; 0 when already deployed). */
  bytesMoved?: number;
  error?: string;
}

export interface ProbeOptions {
  /** Deadline for each agent's hello. @default 60000 */
  helloTimeoutMs?: number;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function probeLocal(roles: HostRole[], options: ProbeOptions): Promise<ProbedHost> {
  const base: ProbedHost = { name: 'local', roles, provider: 'local', status: 'ok' };
  try {
    const session = new AgentSession(await spawnLocalAgent({ label: 'local#probe' }));
    try {
      const hello = await session.request('hello', {}, { timeoutMs: options.helloTimeoutMs ?? 60_000 });
      return { ...base, sysinfo: hello.sysinfo };
    } finally {
      await session.close();
    }
  } catch (error) {
    return { ...base, status: 'failed', error: message(error) };
  }
}

async function probeSsh(host: SshHost, roles: HostRole[], pool: SshPool, log: Logger, options: ProbeOptions): Promise<ProbedHost> {
  const base: ProbedHost = { name: host.name, roles, provider: 'ssh', address: `${host.user}@${host.address}:${host.port}`, status: 'ok' };
  const remote = new RemoteHost(remoteHostSpec(host), pool, log, options.helloTimeoutMs === undefined ? {} : { helloTimeoutMs: options.helloTimeoutMs });
  try {
    const deployed = await remote.deploy();
    const sysinfo = await remote.sysinfo();
    return { ...base, sysinfo, node: deployed.nodeKind, bytesMoved: deployed.bytesMoved };
  } catch (error) {
    return { ...base, status: 'failed', error: message(error) };
  }
}

/** Probes every host the inventory names (each once, whatever roles it serves). */
export async function probeInventory(inventory: Inventory, log: Logger, options: ProbeOptions = {}): Promise<ProbedHost[]> {
  const localRoles: HostRole[] = [];
  const sshHosts = new Map<string, { host: SshHost; roles: HostRole[] }>();
  const skipped: ProbedHost[] = [];
  const add = (role: HostRole, targets: Inventory['vm'] | Inventory['baremetal']): void => {
    if (targets.provider === 'local') localRoles.push(role);
    else if (targets.provider === 'ssh') {
      for (const host of targets.hosts) {
        const key = `${host.user}@${host.address}:${host.port}`;
        const entry = sshHosts.get(key);
        if (entry) entry.roles.push(role);
        else sshHosts.set(key, { host, roles: [role] });
      }
    } else {
      skipped.push({ name: targets.vsphere.url, roles: [role], provider: 'vsphere', status: 'skipped', error: 'VMs are created by `vharness run`; their ESXi hosts are listed in the run manifest' });
    }
  };
  add('vm', inventory.vm);
  add('baremetal', inventory.baremetal);
  const pool = new SshPool(inventory.ssh, log);
  try {
    const probes: Promise<ProbedHost>[] = [];
    if (localRoles.length > 0) probes.push(probeLocal(localRoles, options));
    for (const { host, roles } of sshHosts.values()) probes.push(probeSsh(host, roles, pool, log, options));
    return [...(await Promise.all(probes)), ...skipped];
  } finally {
    await pool.closeAll();
  }
}

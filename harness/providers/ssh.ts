// The ssh provider: machines reached over SSH. As `vm: {provider: ssh}` each host is one
// pre-existing VM running one instance; as `baremetal: {provider: ssh}` one host runs the N
// instances of a baseline, pinned with taskset to the host's per-slot CPU lists when the
// inventory gives them, unpinned by default (as in the study).
import type { SshHost, SshSettings } from '../config/types.js';
import { SshError } from '../errors.js';
import type { AgentBundleOptions } from '../deploy/agent-bundle.js';
import { RemoteHost, remoteHostSpec } from '../deploy/remote-host.js';
import type { Logger } from '../log.js';
import { SshPool } from '../transport/ssh-pool.js';
import type { Finding, HostFacts, Provider, ProviderContext, ProviderKind, Target, TargetRequest } from './provider.js';

export interface SshProviderOptions {
  /** Which target kind this provider serves. */
  role: 'vm' | 'baremetal';
  hosts: SshHost[];
  ssh: SshSettings;
  log: Logger;
  /** Share connections with another provider (vm and baremetal on the same hosts). @default a new pool */
  pool?: SshPool;
  bundle?: AgentBundleOptions;
}

const GIB = 1024 ** 3;

/** A Target on a remote host: one instance slot, optionally pinned. */
export function sshTarget(host: RemoteHost, slot: { name: string; vcpus: number; memoryGB: number; cpus?: number[]; notes: string[] }): Target {
  const target: Target = {
    name: slot.name,
    host: host.name,
    address: host.spec.address,
    vcpus: slot.vcpus,
    memoryGB: slot.memoryGB,
    notes: slot.notes,
    stageModel: (localPath, sha256) => host.stageModel(localPath, sha256),
    launch: (options) => host.launch(options.label, slot.cpus),
  };
  if (slot.cpus) target.cpus = slot.cpus;
  return target;
}

class SshProvider implements Provider {
  readonly kind: ProviderKind;
  private readonly options: SshProviderOptions;
  private readonly pool: SshPool;
  private readonly ownsPool: boolean;
  private readonly remotes = new Map<string, RemoteHost>();
  private shutDown = false;

  constructor(options: SshProviderOptions) {
    if (options.hosts.length === 0) throw new TypeError('Expected the ssh provider to get at least one host');
    this.options = options;
    this.kind = options.role === 'baremetal' ? 'baremetal' : 'ssh';
    this.ownsPool = options.pool === undefined;
    this.pool = options.pool ?? new SshPool(options.ssh, options.log);
  }

  private remote(host: SshHost, log: Logger): RemoteHost {
    let remote = this.remotes.get(host.name);
    if (!remote) {
      remote = new RemoteHost(remoteHostSpec(host), this.pool, log, this.options.bundle ? { bundle: this.options.bundle } : {});
      this.remotes.set(host.name, remote);
    }
    return remote;
  }

  private hostsFor(request: TargetRequest): SshHost[] {
    const hosts = this.options.hosts;
    if (request.target === 'vm') {
      if (request.vms > hosts.length) {
        throw new SshError(hosts.map((h) => h.name).join(','), `configuration ${request.configuration} needs ${request.vms} VMs but the inventory lists ${hosts.length} ssh host(s) under vm.hosts`);
      }
      return hosts.slice(0, request.vms);
    }
    const host = request.host === undefined ? hosts[0] : hosts.find((h) => h.name === request.host);
    if (!host) throw new SshError(request.host ?? '?', `no bare-metal host named '${request.host}' in the inventory (have: ${hosts.map((h) => h.name).join(', ')})`);
    if (host.cpus && host.cpus.length < request.instances) {
      throw new SshError(host.name, `has CPU lists for ${host.cpus.length} instance slot(s) but the cell runs ${request.instances} instances`);
    }
    return [host];
  }

  async preflight(requests: TargetRequest[]): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const request of requests) {
      try {
        this.hostsFor(request);
      } catch (error) {
        findings.push({ level: 'error', message: error instanceof Error ? error.message : String(error) });
      }
    }
    return findings;
  }

  async acquire(request: TargetRequest, ctx: ProviderContext): Promise<Target[]> {
    if (this.shutDown) throw new SshError('ssh', 'provider already shut down');
    const hosts = this.hostsFor(request);
    const remotes = hosts.map((h) => this.remote(h, ctx.log));
    const infos = await Promise.all(remotes.map((r) => r.deploy().then(() => r.sysinfo())));
    if (request.target === 'vm') {
      return remotes.map((remote, i) => {
        const info = infos[i];
        const vcpus = info ? info.affinity.length || info.threads : request.vcpus;
        const memoryGB = info ? Math.round((info.memoryBytes / GIB) * 10) / 10 : request.memoryGB;
        const notes: string[] = [];
        if (vcpus !== request.vcpus) notes.push(`${remote.name} has ${vcpus} CPU(s); configuration ${request.configuration} asks for ${request.vcpus} vCPU(s)`);
        return sshTarget(remote, { name: remote.name, vcpus, memoryGB, notes });
      });
    }
    const [remote] = remotes;
    const [info] = infos;
    const [host] = hosts;
    if (!remote || !info || !host) throw new SshError('ssh', 'no bare-metal host');
    const all = info.affinity.length || info.threads;
    return Array.from({ length: request.instances }, (_, i) => {
      const cpus = host.cpus?.[i];
      return sshTarget(remote, {
        name: `${remote.name}#${i}`,
        vcpus: cpus?.length ?? all,
        memoryGB: Math.round((info.memoryBytes / GIB) * 10) / 10,
        ...(cpus ? { cpus } : {}),
        notes: cpus ? [] : ['unpinned'],
      });
    });
  }

  async facts(): Promise<HostFacts[]> {
    const facts: HostFacts[] = [];
    for (const remote of this.remotes.values()) {
      const sysinfo = await remote.sysinfo().catch(() => undefined);
      facts.push(sysinfo ? { name: remote.name, kind: this.kind, sysinfo } : { name: remote.name, kind: this.kind });
    }
    return facts;
  }

  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    if (this.ownsPool) await this.pool.closeAll();
  }
}

// The factory the provider map calls for `provider: ssh` (vm or baremetal).
export function createSshProvider(options: SshProviderOptions): Provider {
  return new SshProvider(options);
}

/** The provider-map entry for `provider: ssh` under `vm:` or `baremetal:`. */
export function sshProviderFactory(role: SshProviderOptions['role']) {
  return (targets: { hosts: SshHost[] }, inventory: { ssh: SshSettings }, ctx: ProviderContext): Provider =>
    createSshProvider({ role, hosts: targets.hosts, ssh: inventory.ssh, log: ctx.log });
}

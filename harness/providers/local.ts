// The embedded default: this machine. A "VM" of v vCPUs and m GB is a partition of it
// (dedicated CPUs by affinity, a cgroup v1 memory limit where writable); a bare-metal
// baseline is the same instances without partitioning. This emulates VM sizing, not
// hypervisor overhead. Overcommit (more vCPUs than CPUs) is allowed and flagged.
import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { formatCpuList } from '../../agent/cpu-list.js';
import { collectSysInfo, processAffinity } from '../../agent/sysinfo.js';
import type { LocalSettings } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { spawnLocalAgent } from '../transport/local.js';
import type { AgentChannel } from '../transport/channel.js';
import type { Finding, HostFacts, LaunchOptions, Provider, ProviderContext, Target, TargetRequest } from './provider.js';

export interface LocalProviderOptions {
  /** Root of the cgroup v1 memory controller. @default /sys/fs/cgroup/memory */
  memoryCgroupRoot?: string;
  /** CPUs of this machine; default: this process's affinity. */
  machineCpus?: number[];
  /** Bytes of memory of this machine. @default os.totalmem() */
  machineMemoryBytes?: number;
  /** Where the settings came from, for error messages. @default { file: 'inventory', section: 'vm' } */
  source?: { file: string; section: 'vm' | 'baremetal' };
}

const GiB = 1024 ** 3;

/** CPU sets of `vms` partitions of `vcpus` each, dealt from `pool` (wrapping when overcommitted). */
export function partitionCpus(pool: readonly number[], vms: number, vcpus: number): number[][] {
  const out: number[][] = [];
  for (let v = 0; v < vms; v++) {
    const set = new Set<number>();
    for (let k = 0; k < vcpus; k++) set.add(pool[(v * vcpus + k) % pool.length] as number);
    out.push([...set].sort((a, b) => a - b));
  }
  return out;
}

export class LocalProvider implements Provider {
  readonly kind = 'local' as const;
  private readonly settings: LocalSettings;
  private readonly cgroupRoot: string;
  private readonly cpus: number[];
  private readonly memoryBytes: number;
  private readonly created: string[] = [];
  private shutDown = false;

  constructor(settings: LocalSettings, options: LocalProviderOptions = {}) {
    this.settings = settings;
    this.cgroupRoot = options.memoryCgroupRoot ?? '/sys/fs/cgroup/memory';
    const machine = options.machineCpus ?? processAffinity();
    if (settings.cpus) {
      const missing = settings.cpus.filter((c) => !machine.includes(c));
      if (missing.length > 0) throw new ConfigError({ file: options.source?.file ?? 'inventory' }, `${options.source?.section ?? 'vm'}.cpus`, `CPUs ${formatCpuList(missing)} are not available to this process (allowed: ${formatCpuList(machine)})`, settings.cpus);
    }
    this.cpus = settings.cpus ?? machine;
    this.memoryBytes = options.machineMemoryBytes ?? totalmem();
  }

  private overcommitNotes(request: Extract<TargetRequest, { target: 'vm' }>): string[] {
    const notes: string[] = [];
    const vcpus = request.vms * request.vcpus;
    if (vcpus > this.cpus.length) notes.push(`CPU overcommit: ${vcpus} vCPUs on ${this.cpus.length} CPUs (x${(vcpus / this.cpus.length).toFixed(2)})`);
    const bytes = request.vms * request.memoryGB * GiB;
    if (bytes > this.memoryBytes) notes.push(`memory overcommit: ${request.vms * request.memoryGB} GB on ${(this.memoryBytes / GiB).toFixed(1)} GB`);
    return notes;
  }

  private async cgroupWritable(): Promise<string | undefined> {
    if (!this.settings.memoryLimits) return 'memory limits disabled in the inventory';
    try {
      await access(this.cgroupRoot, constants.W_OK);
      await access(join(this.cgroupRoot, 'memory.limit_in_bytes'), constants.R_OK);
      return undefined;
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : String(error);
      return `cgroup v1 memory controller at ${this.cgroupRoot} is not writable (${code})`;
    }
  }

  async preflight(requests: TargetRequest[]): Promise<Finding[]> {
    const findings: Finding[] = [];
    const noLimit = await this.cgroupWritable();
    if (noLimit && requests.some((r) => r.target === 'vm')) findings.push({ level: 'warn', message: `memory limit not enforced: ${noLimit}` });
    for (const r of requests) {
      if (r.target === 'vm') {
        const sets = partitionCpus(this.cpus, r.vms, r.vcpus);
        const placement = sets.map((s, i) => `vm-c${r.configuration}-${i + 1} cpus ${formatCpuList(s)}`).join(', ');
        findings.push({ level: 'info', message: `config ${r.configuration}: ${placement}; ${r.memoryGB} GB each` });
        for (const note of this.overcommitNotes(r)) findings.push({ level: 'warn', message: `config ${r.configuration}: ${note}` });
      } else {
        findings.push({ level: 'info', message: `bare metal (config ${r.configuration}): ${r.instances} unpinned instance(s) on CPUs ${formatCpuList(this.cpus)}` });
      }
    }
    return findings;
  }

  async acquire(request: TargetRequest, ctx: ProviderContext): Promise<Target[]> {
    const host = hostname();
    if (request.target === 'baremetal') {
      return Array.from({ length: request.instances }, (_, i) =>
        this.target({ name: `bm-${i + 1}`, host, vcpus: this.cpus.length, memoryGB: this.memoryBytes / GiB, notes: [] }, undefined, ctx),
      );
    }
    const notes = this.overcommitNotes(request);
    const noLimit = await this.cgroupWritable();
    if (noLimit) notes.push(`memory limit not enforced: ${noLimit}`);
    return partitionCpus(this.cpus, request.vms, request.vcpus).map((cpus, i) =>
      this.target({ name: `vm-c${request.configuration}-${i + 1}`, host, vcpus: request.vcpus, memoryGB: request.memoryGB, cpus, notes: [...notes] }, noLimit ? undefined : request.memoryGB * GiB, ctx),
    );
  }

  private target(base: Omit<Target, 'stageModel' | 'launch'>, memoryLimitBytes: number | undefined, ctx: ProviderContext): Target {
    return {
      ...base,
      // Models are local files already.
      stageModel: async (localPath) => localPath,
      launch: (options) => this.launch(base, memoryLimitBytes, options, ctx),
    };
  }

  private async launch(base: Omit<Target, 'stageModel' | 'launch'>, memoryLimitBytes: number | undefined, options: LaunchOptions, ctx: ProviderContext): Promise<AgentChannel> {
    let wrapper: string[] | undefined;
    let cgroup: string | undefined;
    if (memoryLimitBytes !== undefined) {
      const runDir = join(this.cgroupRoot, 'vharness', ctx.runId.replace(/[^A-Za-z0-9._-]/g, '_'));
      cgroup = join(runDir, options.label.replace(/[^A-Za-z0-9._-]/g, '_'));
      await mkdir(cgroup, { recursive: true });
      if (!this.created.includes(runDir)) this.created.push(runDir);
      await writeFile(join(cgroup, 'memory.limit_in_bytes'), String(Math.floor(memoryLimitBytes)));
      // A cgexec-like step: the shell joins the cgroup, then becomes the agent.
      wrapper = ['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup];
    }
    const launchOptions: Parameters<typeof spawnLocalAgent>[0] = { label: options.label };
    if (base.cpus) launchOptions.cpus = base.cpus;
    if (wrapper) launchOptions.wrapper = wrapper;
    let channel: AgentChannel;
    try {
      channel = await spawnLocalAgent(launchOptions);
    } catch (error) {
      if (cgroup) await removeCgroup(cgroup);
      throw error;
    }
    if (!cgroup) return channel;
    const dir = cgroup;
    const limitGB = memoryLimitBytes === undefined ? 0 : memoryLimitBytes / GiB;
    // Say why an agent vanished when the kernel killed it for the VM's memory size.
    const closed = channel.closed.then(async (c) => {
      const kills = await oomKills(dir);
      await removeCgroup(dir);
      return kills > 0 ? { ...c, reason: `${c.reason} (out of memory: the VM's ${Number(limitGB.toFixed(3))} GB memory limit was exceeded)` } : c;
    });
    return { ...channel, closed };
  }

  async facts(): Promise<HostFacts[]> {
    return [{ name: hostname(), kind: 'local', sysinfo: collectSysInfo() }];
  }

  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    for (const runDir of this.created) await removeCgroup(runDir);
    // The shared parent goes too unless another run still uses it.
    if (this.created.length > 0) await rmdir(join(this.cgroupRoot, 'vharness')).catch(() => undefined);
  }
}

/** OOM kills recorded by a cgroup v1 memory controller (0 when unknown). */
async function oomKills(dir: string): Promise<number> {
  const text = await readFile(join(dir, 'memory.oom_control'), 'utf8').catch(() => '');
  return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
}

// A cgroup can be removed once its processes are gone; they may need a moment to leave.
async function removeCgroup(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? error.code : undefined;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' && code !== 'ENOTEMPTY') return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

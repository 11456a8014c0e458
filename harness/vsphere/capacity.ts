// Capacity and placement of one configuration's VMs on ESXi hosts (pure: tested without
// vCenter). A placement policy picks each VM's host; then, per host, the sum of the vCPUs placed
// there (plus the running VMs that are not vharness's) is checked against its logical CPUs and
// cores, and the sum of memory against its memory. `plan` prints the result and `run` clones
// onto the hosts it chose, so what plan shows is what run does.
import type { Finding } from '../providers/provider.js';
import type { EsxiHost } from './host-facts.js';
import { formatMemoryMB as size } from './memory-size.js';

/** `spread`: each VM to the least loaded host; `pack`: fill hosts in name order; `host`: one named host. */
export type PlacementPolicy = { kind: 'spread' } | { kind: 'pack' } | { kind: 'host'; name: string };

/** A host with what already runs there and is not part of the plan. */
export interface HostLoad {
  host: EsxiHost;
  otherVms: number;
  otherVcpus: number;
  otherMemoryMB: number;
}

/** One VM to place. */
export interface VmDemand {
  name: string;
  vcpus: number;
  memoryMB: number;
}

/** One host's share of a configuration. */
export interface HostUse {
  host: string;
  vms: string[];
  vcpus: number;
  memoryMB: number;
  otherVms: number;
  otherVcpus: number;
  otherMemoryMB: number;
  threads: number;
  cores: number;
  hostMemoryMB: number;
}

export interface ConfigurationPlacement {
  configuration: string;
  policy: string;
  /** Each VM with its host (undefined: no usable host). */
  vms: { name: string; host: string | undefined }[];
  /** Hosts holding at least one of the configuration's VMs. */
  hosts: HostUse[];
  /** `fits`, `overcommits vCPUs`, or `does not fit`. */
  verdict: 'fits' | 'overcommits vCPUs' | 'does not fit';
  findings: Finding[];
}

export function policyName(policy: PlacementPolicy): string {
  return policy.kind === 'host' ? `host ${policy.name}` : policy.kind;
}

interface Slot {
  load: HostLoad;
  vms: string[];
  vcpus: number;
  memoryMB: number;
}

const committedCpu = (s: Slot): number => (s.vcpus + s.load.otherVcpus) / Math.max(1, s.load.host.threads);
const freeMemory = (s: Slot): number => s.load.host.memoryBytes / 2 ** 20 - s.memoryMB - s.load.otherMemoryMB;
const fitsOn = (s: Slot, vm: VmDemand): boolean => s.vcpus + s.load.otherVcpus + vm.vcpus <= s.load.host.threads && freeMemory(s) >= vm.memoryMB;

function choose(slots: Slot[], vm: VmDemand, policy: PlacementPolicy): Slot | undefined {
  if (slots.length === 0) return undefined;
  if (policy.kind === 'host') return slots.find((s) => s.load.host.name === policy.name);
  if (policy.kind === 'pack') {
    // The first host (by name) it fits on; when none has room, the one with the most free memory.
    return slots.find((s) => fitsOn(s, vm)) ?? [...slots].sort((a, b) => freeMemory(b) - freeMemory(a))[0];
  }
  // spread: the least committed host (vCPUs per logical CPU), then the most free memory, then by name.
  return [...slots].sort((a, b) => committedCpu(a) - committedCpu(b) || freeMemory(b) - freeMemory(a))[0];
}

/** Places the VMs by the policy and checks every host that receives one. */
export function placeConfiguration(configuration: string, demands: VmDemand[], loads: HostLoad[], policy: PlacementPolicy): ConfigurationPlacement {
  const slots: Slot[] = loads
    .filter((l) => !l.host.inMaintenance)
    .sort((a, b) => a.host.name.localeCompare(b.host.name))
    .map((load) => ({ load, vms: [], vcpus: 0, memoryMB: 0 }));
  const findings: Finding[] = [];
  const vms: ConfigurationPlacement['vms'] = [];
  for (const vm of demands) {
    const slot = choose(slots, vm, policy);
    vms.push({ name: vm.name, host: slot?.load.host.name });
    if (!slot) continue;
    slot.vms.push(vm.name);
    slot.vcpus += vm.vcpus;
    slot.memoryMB += vm.memoryMB;
    if (vm.vcpus > slot.load.host.threads) {
      findings.push({ level: 'error', message: `configuration ${configuration} on ${slot.load.host.name}: VM ${vm.name} has ${vm.vcpus} vCPUs, more than the ${slot.load.host.threads} logical CPUs of ${slot.load.host.name}; it cannot power on` });
    }
  }
  if (slots.length === 0) findings.push({ level: 'error', message: `configuration ${configuration} has no usable host in scope (none found, or all in maintenance mode)` });
  else if (vms.some((v) => v.host === undefined)) findings.push({ level: 'error', message: `configuration ${configuration} has no host: placement ${policyName(policy)} names no host in scope` });

  const hosts: HostUse[] = slots
    .filter((s) => s.vms.length > 0)
    .map((s) => ({
      host: s.load.host.name,
      vms: s.vms,
      vcpus: s.vcpus,
      memoryMB: s.memoryMB,
      otherVms: s.load.otherVms,
      otherVcpus: s.load.otherVcpus,
      otherMemoryMB: s.load.otherMemoryMB,
      threads: s.load.host.threads,
      cores: s.load.host.cores,
      hostMemoryMB: Math.floor(s.load.host.memoryBytes / 2 ** 20),
    }));
  for (const h of hosts) {
    const tag = `configuration ${configuration} on ${h.host} (${h.vms.length} VM${h.vms.length === 1 ? '' : 's'})`;
    const others = h.otherVms > 0 ? ` + ${h.otherVcpus} of ${h.otherVms} other running VM${h.otherVms === 1 ? '' : 's'}` : '';
    const otherMemory = h.otherVms > 0 ? ` + ${size(h.otherMemoryMB)} of other running VMs` : '';
    const cpus = h.vcpus + h.otherVcpus;
    if (h.memoryMB + h.otherMemoryMB > h.hostMemoryMB) {
      findings.push({ level: 'error', message: `${tag}: memory cannot fit: ${size(h.memoryMB)}${otherMemory} > the host's ${size(h.hostMemoryMB)}` });
    }
    if (cpus > h.threads) findings.push({ level: 'warn', message: `${tag}: vCPU overcommit: ${h.vcpus} vCPUs${others} on ${h.threads} logical CPUs; instances compete for CPUs and results include that` });
    else if (cpus === h.threads) findings.push({ level: 'warn', message: `${tag}: ${h.vcpus} vCPUs${others} use all ${h.threads} logical CPUs; nothing is left for the hypervisor, results include its contention` });
    if (cpus > h.cores && cpus <= h.threads) findings.push({ level: 'info', message: `${tag}: ${cpus} vCPUs on ${h.cores} cores: VMs share physical cores (hyperthreads)` });
  }
  const verdict = findings.some((f) => f.level === 'error') ? 'does not fit' : hosts.some((h) => h.vcpus + h.otherVcpus > h.threads) ? 'overcommits vCPUs' : 'fits';
  return { configuration, policy: policyName(policy), vms, hosts, verdict, findings };
}

/** One line per configuration: its verdict and where its VMs go. */
export function placementSummary(p: ConfigurationPlacement): Finding {
  const where = p.hosts.map((h) => `${h.host}: ${h.vms.length} VM(s), ${h.vcpus + h.otherVcpus}/${h.threads} CPUs, ${size(h.memoryMB + h.otherMemoryMB)} of ${size(h.hostMemoryMB)}`).join('; ');
  const level = p.verdict === 'fits' ? 'info' : p.verdict === 'does not fit' ? 'error' : 'warn';
  return { level, message: `configuration ${p.configuration} ${p.verdict} (placement ${p.policy}${where ? `; ${where}` : ''})` };
}

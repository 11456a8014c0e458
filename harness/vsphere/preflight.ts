// Pre-flight checks for `vharness plan` against vCenter: the template and placement exist,
// each configuration's vCPUs and memory fit the hosts in scope (vCPUs equal to a host's logical
// CPUs is a warning: the study's config 10 does that), DRS fully automated (VMs may move
// mid-cell), and datastore space for the VMs to create.
import type { Finding } from '../core/shared-types.js';
import type { VimClient } from './client.js';
import type { EsxiHost } from './host-facts.js';
import type { ResolvedPlacement } from './placement.js';
import { asArray, asBoolean, asMoRef, asNumber, asString, fieldPath } from './value.js';

export interface SizeRequest {
  configuration: string;
  vms: number;
  vcpus: number;
  memoryGB: number;
}

const GIB = 1024 ** 3;

/** The hosts VMs can land on: the named host, the cluster's hosts, or all of the datacenter. */
export function hostsInScope(hosts: EsxiHost[], placement: ResolvedPlacement): EsxiHost[] {
  if (placement.host) return hosts.filter((h) => placement.host?.equals(h.ref));
  if (placement.cluster) return hosts.filter((h) => placement.cluster?.equals(h.parent));
  return hosts;
}

/** Size checks of each configuration against the hosts (pure: tested without vCenter). */
export function capacityFindings(requests: SizeRequest[], hosts: EsxiHost[]): Finding[] {
  const findings: Finding[] = [];
  const usable = hosts.filter((h) => !h.inMaintenance);
  if (usable.length === 0) return [{ level: 'error', message: 'vSphere: no host in scope (all in maintenance mode or none found)' }];
  const maxThreads = Math.max(...usable.map((h) => h.threads));
  const maxMemory = Math.max(...usable.map((h) => h.memoryBytes));
  const totalThreads = usable.reduce((s, h) => s + h.threads, 0);
  const totalMemory = usable.reduce((s, h) => s + h.memoryBytes, 0);
  for (const r of requests) {
    const tag = `configuration ${r.configuration} (${r.vms} x ${r.vcpus} vCPU, ${r.memoryGB} GB)`;
    if (r.vcpus > maxThreads) findings.push({ level: 'error', message: `${tag}: ${r.vcpus} vCPUs exceed the largest host's ${maxThreads} logical CPUs` });
    else if (r.vcpus === maxThreads) findings.push({ level: 'warn', message: `${tag}: ${r.vcpus} vCPUs equal the host's logical CPUs (no room for the hypervisor; results include its contention)` });
    if (r.memoryGB * GIB > maxMemory) findings.push({ level: 'error', message: `${tag}: ${r.memoryGB} GB exceeds the largest host's ${(maxMemory / GIB).toFixed(1)} GB` });
    if (r.vms * r.vcpus > totalThreads) findings.push({ level: 'warn', message: `${tag}: ${r.vms * r.vcpus} vCPUs in total overcommit the ${totalThreads} logical CPUs in scope` });
    if (r.vms * r.memoryGB * GIB > totalMemory) findings.push({ level: 'warn', message: `${tag}: ${r.vms * r.memoryGB} GB in total overcommit the ${(totalMemory / GIB).toFixed(1)} GB in scope` });
  }
  return findings;
}

/** DRS fully automated on the cluster: a warning (VMs may migrate during a cell). */
export async function drsFindings(client: VimClient, placement: ResolvedPlacement): Promise<Finding[]> {
  if (!placement.cluster) return [];
  const config = (await client.properties(placement.cluster, ['configurationEx'])).configurationEx;
  const enabled = asBoolean(fieldPath(config, 'drsConfig.enabled')) ?? false;
  const behavior = asString(fieldPath(config, 'drsConfig.defaultVmBehavior')) ?? 'fullyAutomated';
  if (enabled && behavior === 'fullyAutomated') {
    return [{ level: 'warn', message: 'vSphere: DRS is fully automated on the cluster: VMs may move between hosts during a cell (moves are recorded per cell)' }];
  }
  return [];
}

/** Free space on the target datastore against the disks and swap of the VMs to create. */
export async function datastoreFindings(client: VimClient, placement: ResolvedPlacement, newVms: number, maxMemoryGB: number): Promise<Finding[]> {
  if (newVms === 0) return [];
  const template = await client.properties(placement.template, ['summary.storage', 'datastore']);
  const datastore = placement.datastore ?? asMoRef(asArray(template.datastore)[0]);
  if (!datastore) return [{ level: 'warn', message: 'vSphere: cannot tell which datastore clones go to; space not checked' }];
  const summary = (await client.properties(datastore, ['summary'])).summary;
  const free = asNumber(fieldPath(summary, 'freeSpace'));
  const name = asString(fieldPath(summary, 'name')) ?? datastore.value;
  if (free === undefined) return [{ level: 'warn', message: `vSphere: datastore ${name} does not report free space` }];
  const storage = template['summary.storage'];
  const perVm = (asNumber(fieldPath(storage, 'committed')) ?? 0) + (asNumber(fieldPath(storage, 'uncommitted')) ?? 0) + maxMemoryGB * GIB;
  const needed = perVm * newVms;
  if (needed > free) {
    return [{ level: 'error', message: `vSphere: datastore ${name} has ${(free / GIB).toFixed(1)} GB free; ${newVms} new VM(s) need about ${(needed / GIB).toFixed(1)} GB (disk + swap)` }];
  }
  return [{ level: 'info', message: `vSphere: datastore ${name}: ${(free / GIB).toFixed(1)} GB free, about ${(needed / GIB).toFixed(1)} GB needed` }];
}

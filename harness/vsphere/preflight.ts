// Pre-flight checks for `vharness plan` against vCenter: the hosts in scope and what already
// runs there (capacity per host is harness/vsphere/capacity.ts), DRS fully automated (VMs may
// move mid-cell), and datastore space for the VMs to create.
import type { Finding } from '../core/shared-types.js';
import type { HostLoad } from './capacity.js';
import type { VimClient } from './client.js';
import type { EsxiHost } from './host-facts.js';
import type { ResolvedPlacement } from './placement.js';
import { asArray, asBoolean, asMoRef, asNumber, asString, fieldPath } from './value.js';
import type { VmInfo } from './vm-inventory.js';

const GIB = 1024 ** 3;

/** The hosts VMs can land on: the named host, the cluster's hosts, or all of the datacenter. */
export function hostsInScope(hosts: EsxiHost[], placement: ResolvedPlacement): EsxiHost[] {
  if (placement.host) return hosts.filter((h) => placement.host?.equals(h.ref));
  if (placement.cluster) return hosts.filter((h) => placement.cluster?.equals(h.parent));
  return hosts;
}

/** Each host with the running VMs on it that are not vharness's (those count against capacity). */
export function hostLoads(hosts: EsxiHost[], vms: VmInfo[]): HostLoad[] {
  return hosts.map((host) => {
    const others = vms.filter((v) => v.powerState === 'poweredOn' && !v.template && !v.ownership && host.ref.equals(v.host));
    return {
      host,
      otherVms: others.length,
      otherVcpus: others.reduce((s, v) => s + v.numCPUs, 0),
      otherMemoryMB: others.reduce((s, v) => s + v.memoryMB, 0),
    };
  });
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

/** A VM to create: its swap file is its memory minus its reservation. */
export interface NewVm {
  memoryMB: number;
  reservedMB: number;
}

/** Free space on the target datastore against the disks and swap files of the VMs to create (their real sum). */
export async function datastoreFindings(client: VimClient, placement: ResolvedPlacement, newVms: NewVm[]): Promise<Finding[]> {
  if (newVms.length === 0) return [];
  const template = await client.properties(placement.template, ['summary.storage', 'datastore']);
  const datastore = placement.datastore ?? asMoRef(asArray(template.datastore)[0]);
  if (!datastore) return [{ level: 'warn', message: 'vSphere: cannot tell which datastore clones go to; space not checked' }];
  const summary = (await client.properties(datastore, ['summary'])).summary;
  const free = asNumber(fieldPath(summary, 'freeSpace'));
  const name = asString(fieldPath(summary, 'name')) ?? datastore.value;
  if (free === undefined) return [{ level: 'warn', message: `vSphere: datastore ${name} does not report free space` }];
  const storage = template['summary.storage'];
  const disk = (asNumber(fieldPath(storage, 'committed')) ?? 0) + (asNumber(fieldPath(storage, 'uncommitted')) ?? 0);
  const needed = newVms.reduce((sum, vm) => sum + disk + Math.max(0, vm.memoryMB - vm.reservedMB) * 2 ** 20, 0);
  const what = `${newVms.length} new VM(s) need ${(needed / GIB).toFixed(1)} GB (disk ${(disk / GIB).toFixed(1)} GB each + swap = memory - reservation)`;
  if (needed > free) return [{ level: 'error', message: `vSphere: datastore ${name} has ${(free / GIB).toFixed(1)} GB free; ${what}` }];
  return [{ level: 'info', message: `vSphere: datastore ${name}: ${(free / GIB).toFixed(1)} GB free; ${what}` }];
}

// Which VMs vharness may list and destroy: those with its ownership note, plus those only the
// lease store knows (an interrupt between the clone and the note), filtered by run, expiry
// or owner; and destroying them (power off, Destroy_Task, drop the lease).
import type { Logger } from '../log.js';
import type { VimClient } from './client.js';
import type { Lease, LeaseStore } from './lease-store.js';
import { leaseExpired } from './ownership.js';
import type { TaskWaitOptions } from './task-wait.js';
import { destroyVm, powerOffVm } from './vm-actions.js';
import type { VmInfo } from './vm-inventory.js';

export interface OwnedVm {
  vm: VmInfo | undefined;
  name: string;
  runId: string;
  owner: string;
  configuration: string;
  expires: string;
  /** Where ownership comes from: the VM's note, the lease store, or both. */
  source: 'note' | 'lease' | 'note+lease';
  /** A lease whose VM is not in vCenter (the clone never happened or it was removed elsewhere). */
  orphanLease: boolean;
}

export type OwnedFilter = { runId: string } | { expired: true } | { allOwned: true; owner?: undefined } | { owner: string };

/** Owned VMs on this vCenter: annotated ones and lease-store ones, merged by name. */
export function ownedVms(vms: VmInfo[], leases: Lease[], vcenter: string): OwnedVm[] {
  const out = new Map<string, OwnedVm>();
  for (const vm of vms) {
    if (!vm.ownership) continue;
    const o = vm.ownership;
    out.set(vm.name, { vm, name: vm.name, runId: o.runId, owner: o.owner, configuration: o.configuration, expires: o.expires, source: 'note', orphanLease: false });
  }
  for (const lease of leases.filter((l) => l.vcenter === vcenter)) {
    const known = out.get(lease.name);
    if (known) {
      known.source = 'note+lease';
      continue;
    }
    const vm = vms.find((v) => v.name === lease.name && (lease.moref === undefined || v.ref.value === lease.moref));
    out.set(lease.name, { vm, name: lease.name, runId: lease.runId, owner: lease.owner, configuration: lease.configuration, expires: lease.expires, source: 'lease', orphanLease: vm === undefined });
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function filterOwned(owned: OwnedVm[], filter: OwnedFilter, now: Date = new Date()): OwnedVm[] {
  if ('runId' in filter) return owned.filter((o) => o.runId === filter.runId);
  if ('expired' in filter) return owned.filter((o) => leaseExpired({ owner: o.owner, runId: o.runId, expires: o.expires, configuration: o.configuration }, now));
  if ('owner' in filter && filter.owner !== undefined) return owned.filter((o) => o.owner === filter.owner);
  return owned;
}

export interface DestroyOutcome {
  destroyed: string[];
  /** Leases dropped because their VM does not exist. */
  forgotten: string[];
  failed: { name: string; error: string }[];
}

/** Powers off and destroys each VM (one failure does not stop the others); drops their leases. */
export async function destroyOwned(client: VimClient, targets: OwnedVm[], leases: LeaseStore, log: Logger, wait: TaskWaitOptions): Promise<DestroyOutcome> {
  const outcome: DestroyOutcome = { destroyed: [], forgotten: [], failed: [] };
  for (const t of targets) {
    try {
      if (t.vm) {
        if (t.vm.powerState !== 'poweredOff') await powerOffVm(client, t.vm.ref, wait);
        await destroyVm(client, t.vm.ref, wait);
        log.info(`vsphere: destroyed ${t.name}`);
        outcome.destroyed.push(t.name);
      } else {
        outcome.forgotten.push(t.name);
      }
      await leases.remove(t.name);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn(`vsphere: could not destroy ${t.name}: ${message}`);
      outcome.failed.push({ name: t.name, error: message });
    }
  }
  return outcome;
}

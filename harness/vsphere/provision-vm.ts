// Brings one VM to the requested size and VM settings on its planned host, powered on with a
// pool address: reuse an owned VM (reconfigured powered off when its size, settings or host
// differ) or create one: lease written first, then clone powered off onto the planned host and
// pool -> ReconfigVM_Task (size, settings, ownership note) -> CustomizeVM_Task (fixed IP) ->
// PowerOnVM_Task. The simulator ignores size, host and customization in the clone spec (so a
// clone that landed elsewhere is relocated), and real vCenter is happiest with this order too.
import type { Logger } from '../log.js';
import type { AddressBook } from './address-book.js';
import type { VimClient } from './client.js';
import { VsphereFault } from './fault.js';
import { cidrContains, subnetMask, type Cidr } from './ip-pool.js';
import type { Lease, LeaseStore, LivenessCheck } from './lease-store.js';
import type { MoRef } from './moref.js';
import { formatOwnership, type Ownership } from './ownership.js';
import type { ResolvedPlacement } from './placement.js';
import type { TaskWaitOptions } from './task-wait.js';
import { cloneVm, customizeVm, powerOffVm, powerOnVm, reconfigureVm, relocateVm } from './vm-actions.js';
import { vmConfigDifferences, type VmConfig } from './vm-config.js';
import type { VmInfo } from './vm-inventory.js';
import { asMoRef } from './value.js';

export interface ProvisionContext {
  client: VimClient;
  placement: ResolvedPlacement;
  leases: LeaseStore;
  /** Whether the run holding a lease is alive (a live run's VMs are not touched). */
  isLive: LivenessCheck;
  /** vCenter host:port (lease key). */
  vcenter: string;
  cidr: Cidr;
  gateway?: string;
  dns?: string[];
  addresses: AddressBook;
  /** Ownership fields of this run (configuration and ip are per VM). */
  owner: string;
  runId: string;
  expires: string;
  wait: TaskWaitOptions;
  log: Logger;
  signal?: AbortSignal;
}

export interface VmRequest {
  name: string;
  configuration: string;
  vcpus: number;
  memoryGB: number;
  /** Size and VM settings wanted, in full. */
  config: VmConfig;
  /** ESXi host the placement policy chose; undefined: wherever vCenter puts it. */
  host?: MoRef;
}

export interface ProvisionedVm {
  ref: MoRef;
  name: string;
  /** Address the VM was customized with (or already reported). */
  address: string | undefined;
  action: 'created' | 'reused' | 'reconfigured';
}

function note(ctx: ProvisionContext, req: VmRequest, ip: string | undefined): string {
  const o: Ownership = { owner: ctx.owner, runId: ctx.runId, expires: ctx.expires, configuration: req.configuration };
  if (ip !== undefined) o.ip = ip;
  return formatOwnership(o);
}

/** Moves the VM to its planned host when it is elsewhere (a clone the simulator placed by the template). */
async function toPlannedHost(ctx: ProvisionContext, req: VmRequest, vm: MoRef, current: MoRef | undefined): Promise<void> {
  if (!req.host || req.host.equals(current)) return;
  ctx.log.debug(`vsphere: ${req.name} is on ${current?.value ?? 'no host'}; relocating to ${req.host.value}`);
  await relocateVm(ctx.client, vm, { pool: ctx.placement.pool, host: req.host }, ctx.wait);
}

async function customizeAndStart(ctx: ProvisionContext, req: VmRequest, vm: MoRef, address: string): Promise<void> {
  ctx.signal?.throwIfAborted();
  const net = { hostName: req.name.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 63), ipAddress: address, subnetMask: subnetMask(ctx.cidr.prefix) } as Parameters<typeof customizeVm>[2];
  if (ctx.gateway !== undefined) net.gateway = ctx.gateway;
  if (ctx.dns !== undefined) net.dns = ctx.dns;
  await customizeVm(ctx.client, vm, net, ctx.wait);
  ctx.signal?.throwIfAborted();
  await powerOnVm(ctx.client, vm, ctx.wait);
}

function leaseOf(ctx: ProvisionContext, req: VmRequest, state: Lease['state']): Lease {
  return { name: req.name, vcenter: ctx.vcenter, runId: ctx.runId, owner: ctx.owner, configuration: req.configuration, expires: ctx.expires, state, createdAt: new Date().toISOString() };
}

async function create(ctx: ProvisionContext, req: VmRequest): Promise<ProvisionedVm> {
  const address = ctx.addresses.take(req.name);
  // The lease is on disk before vCenter hears of the VM: an interrupt cannot leave it untracked.
  try {
    await ctx.leases.claim(leaseOf(ctx, req, 'creating'), ctx.isLive);
  } catch (error) {
    ctx.addresses.release(address, req.name);
    throw error;
  }
  ctx.signal?.throwIfAborted();
  ctx.log.info(`vsphere: cloning ${req.name} (${req.vcpus} vCPU, ${req.memoryGB} GB, ${address})`);
  const where = req.host ? { ...ctx.placement, host: req.host } : ctx.placement;
  const vm = await cloneVm(ctx.client, ctx.placement.template, req.name, where, note(ctx, req, address), ctx.wait);
  await ctx.leases.update(req.name, { state: 'created', moref: vm.value });
  // The ownership note right after the clone, before any abort check (the clone spec's
  // annotation is not kept by every vCenter; the simulator drops it).
  const { signal: _notThisOne, ...unabortable } = ctx.wait;
  await reconfigureVm(ctx.client, vm, { annotation: note(ctx, req, address) }, unabortable);
  ctx.signal?.throwIfAborted();
  if (req.host) await toPlannedHost(ctx, req, vm, asMoRef((await ctx.client.properties(vm, ['runtime.host']))['runtime.host']));
  await reconfigureVm(ctx.client, vm, { config: req.config, annotation: note(ctx, req, address) }, ctx.wait);
  await customizeAndStart(ctx, req, vm, address);
  return { ref: vm, name: req.name, address, action: 'created' };
}

async function reuse(ctx: ProvisionContext, req: VmRequest, existing: VmInfo): Promise<ProvisionedVm> {
  // Claimed before it is touched: a VM a live run holds is refused with that run's id.
  await ctx.leases.claim({ ...leaseOf(ctx, req, 'created'), moref: existing.ref.value }, ctx.isLive);
  ctx.signal?.throwIfAborted();
  const differences = vmConfigDifferences(req.config, existing.config);
  const misplaced = req.host !== undefined && !req.host.equals(existing.host);
  if (misplaced) differences.push(`host ${existing.host?.value ?? 'none'} (wanted ${req.host?.value ?? ''})`);
  const sizeMatches = differences.length === 0;
  const on = existing.powerState === 'poweredOn';
  const inPool = existing.addresses.find((a) => cidrContains(ctx.cidr, a) && (ctx.addresses.holderOf(a) ?? existing.name) === existing.name);
  if (sizeMatches && on) {
    const address = inPool ?? existing.ownership?.ip;
    if (address !== undefined) ctx.addresses.hold(address, req.name);
    await reconfigureVm(ctx.client, existing.ref, { annotation: note(ctx, req, address) }, ctx.wait);
    ctx.log.info(`vsphere: reusing ${req.name} (${req.vcpus} vCPU, ${req.memoryGB} GB)`);
    return { ref: existing.ref, name: req.name, address, action: 'reused' };
  }
  if (on) {
    ctx.log.info(`vsphere: powering off ${req.name} to reconfigure it: ${differences.join(', ')}`);
    await powerOffVm(ctx.client, existing.ref, ctx.wait);
  }
  for (const a of existing.addresses) ctx.addresses.release(a, existing.name);
  const address = ctx.addresses.take(req.name, existing.ownership?.ip);
  ctx.signal?.throwIfAborted();
  const change: Parameters<typeof reconfigureVm>[2] = { annotation: note(ctx, req, address) };
  if (!sizeMatches) change.config = req.config;
  if (misplaced) await toPlannedHost(ctx, req, existing.ref, existing.host);
  await reconfigureVm(ctx.client, existing.ref, change, ctx.wait);
  await customizeAndStart(ctx, req, existing.ref, address);
  if (sizeMatches) ctx.log.info(`vsphere: reusing ${req.name} (powered on again)`);
  return { ref: existing.ref, name: req.name, address, action: sizeMatches ? 'reused' : 'reconfigured' };
}

/** Reuses (owned VMs only) or creates the VM named `req.name`. */
export async function provisionVm(ctx: ProvisionContext, req: VmRequest, existing: VmInfo | undefined): Promise<ProvisionedVm> {
  ctx.signal?.throwIfAborted();
  if (!existing) return create(ctx, req);
  if (existing.template) throw new VsphereFault({ fault: 'InvalidState', message: `${req.name} is a template, not a VM vharness can use; change vm.namePattern`, object: existing.ref });
  // A clone whose note never got written (interrupted right at the clone) is still ours: its lease says so.
  const lease = await ctx.leases.get(req.name);
  const leased = lease !== undefined && (lease.moref === undefined || lease.moref === existing.ref.value);
  if (!existing.ownership && leased) ctx.log.info(`vsphere: ${req.name} has no ownership note but its lease (run ${lease.runId}) says vharness created it; taking it back`);
  if (!existing.ownership && !leased) {
    throw new VsphereFault({ fault: 'NotOwned', message: `VM ${req.name} exists and is not owned by vharness (no vharness-owned note in its annotation); rename it or change vm.namePattern`, object: existing.ref });
  }
  return reuse(ctx, req, existing);
}

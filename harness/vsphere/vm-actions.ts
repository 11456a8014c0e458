// The VM lifecycle calls vharness makes, each a vim25 task waited for with a deadline.
import type { VimClient } from './client.js';
import { VsphereFault } from './fault.js';
import { MoRef } from './moref.js';
import { cloneSpec, configSpec, customizationSpec, relocateSpec, type GuestNetwork, type Placement } from './specs.js';
import { runTask, type TaskWaitOptions } from './task-wait.js';
import type { VmConfig } from './vm-config.js';

/** Clones `template` powered off into the placement; answers the new VM. */
export async function cloneVm(client: VimClient, template: MoRef, name: string, placement: Placement, annotation: string, wait?: TaskWaitOptions): Promise<MoRef> {
  const result = await runTask(client, 'CloneVM_Task', template, { folder: placement.folder, name, spec: cloneSpec(placement, annotation) }, wait);
  if (!(result instanceof MoRef)) throw new VsphereFault({ fault: 'Protocol', message: `clone of ${name} answered no VM reference`, method: 'CloneVM_Task', object: template });
  return result;
}

/** Sets size and VM settings (powered off) and/or the ownership note. */
export async function reconfigureVm(client: VimClient, vm: MoRef, change: { config?: VmConfig; annotation?: string }, wait?: TaskWaitOptions): Promise<void> {
  await runTask(client, 'ReconfigVM_Task', vm, { spec: configSpec(change) }, wait);
}

/** Moves a VM to another host and/or pool (vMotion when powered on). */
export async function relocateVm(client: VimClient, vm: MoRef, to: Pick<Placement, 'pool' | 'host'>, wait?: TaskWaitOptions): Promise<void> {
  await runTask(client, 'RelocateVM_Task', vm, { spec: relocateSpec(to) }, wait);
}

/** Applies guest customization (fixed IP) to a powered-off VM; it takes effect at power-on. */
export async function customizeVm(client: VimClient, vm: MoRef, net: GuestNetwork, wait?: TaskWaitOptions): Promise<void> {
  await runTask(client, 'CustomizeVM_Task', vm, { spec: customizationSpec(net) }, wait);
}

export async function powerOnVm(client: VimClient, vm: MoRef, wait?: TaskWaitOptions): Promise<void> {
  await runTask(client, 'PowerOnVM_Task', vm, {}, wait);
}

export async function powerOffVm(client: VimClient, vm: MoRef, wait?: TaskWaitOptions): Promise<void> {
  await runTask(client, 'PowerOffVM_Task', vm, {}, wait);
}

export async function destroyVm(client: VimClient, vm: MoRef, wait?: TaskWaitOptions): Promise<void> {
  await runTask(client, 'Destroy_Task', vm, {}, wait);
}

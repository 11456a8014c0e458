// The provider registry: which Provider serves `vm` and `baremetal` cells, chosen from maps
// keyed by the inventory's provider name (never an if/else chain on strings).
import type { BaremetalTargets, Inventory, VmTargets } from '../config/types.js';
import { LocalProvider } from './local.js';
import type { Provider, ProviderContext } from './provider.js';
import { sshProviderFactory } from './ssh.js';
import { createVsphereProvider } from './vsphere.js';

type Factory<T> = (targets: T, inventory: Inventory, ctx: ProviderContext) => Provider;
type FactoryMap<U extends { provider: string }> = { [K in U['provider']]: Factory<Extract<U, { provider: K }>> };

const vmFactories: FactoryMap<VmTargets> = {
  local: (t, inventory) => new LocalProvider(t.local, { source: { file: inventory.file, section: 'vm' } }),
  ssh: sshProviderFactory('vm'),
  vsphere: (t, inventory, ctx) => createVsphereProvider(t.vsphere, inventory, ctx.log),
};

const baremetalFactories: FactoryMap<BaremetalTargets> = {
  local: (t, inventory) => new LocalProvider(t.local, { source: { file: inventory.file, section: 'baremetal' } }),
  ssh: sshProviderFactory('baremetal'),
};

/** The providers of an inventory. */
export function createProviders(inventory: Inventory, ctx: ProviderContext): { vm: Provider; baremetal: Provider } {
  const vm = (vmFactories[inventory.vm.provider] as Factory<VmTargets>)(inventory.vm, inventory, ctx);
  const baremetal = (baremetalFactories[inventory.baremetal.provider] as Factory<BaremetalTargets>)(inventory.baremetal, inventory, ctx);
  return { vm, baremetal };
}

// What `vms list` and `vms destroy` share: their flags, the filter they make of them, and the
// connected view of the owned VMs on the inventory's vCenter.
import type { Flags } from '../../command.js';
import { loadInventory } from '../../config/load.js';
import { UsageError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { defaultOwner, vcenterKey } from '../../providers/vsphere.js';
import type { VimClient } from '../../vsphere/client.js';
import { connectVsphere } from '../../vsphere/connect.js';
import { listHosts } from '../../vsphere/host-facts.js';
import { LeaseStore, leaseStoreDir, STATE_DIR_ENV } from '../../vsphere/lease-store.js';
import { filterOwned, ownedVms, type OwnedFilter, type OwnedVm } from '../../vsphere/owned-vms.js';
import { resolvePlacement } from '../../vsphere/placement.js';
import { listVms } from '../../vsphere/vm-inventory.js';
import { inventoryOption } from '../shared-flags.js';

export const ownedFlags = {
  inventory: { ...inventoryOption, help: 'an inventory with vm.provider: vsphere' },
  run: { type: 'string', arg: 'ID', help: 'only VMs last used by run ID (any owner)' },
  expired: { type: 'boolean', help: 'VMs whose lease (vm.leaseHours) has expired, of EVERY owner, not only yours' },
  'all-owned': { type: 'boolean', help: 'every VM owned by vharness, whoever created it' },
  'lease-dir': { type: 'string', arg: 'DIR', file: true, help: `the lease store (default: $${STATE_DIR_ENV}/<vcenter> when set, else\n$XDG_STATE_HOME/vharness/<vcenter>, default ~/.local/state/vharness/<vcenter>)` },
  json: { type: 'boolean', help: 'machine-readable output on stdout' },
} as const satisfies Flags;

interface OwnedValues {
  inventory?: string;
  run?: string;
  expired?: boolean;
  'all-owned'?: boolean;
  'lease-dir'?: string;
}

/** The filter of the flags: at most one of --run, --expired, --all-owned; none means "mine". */
export function ownedFilter(values: OwnedValues): OwnedFilter | undefined {
  const chosen = [values.run !== undefined, values.expired === true, values['all-owned'] === true].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('give only one of --run, --expired, --all-owned');
  if (values.run !== undefined) return { runId: values.run };
  if (values.expired) return { expired: true };
  if (values['all-owned']) return { allOwned: true };
  return undefined;
}

export interface OwnedView {
  client: VimClient;
  vcenter: string;
  leases: LeaseStore;
  selected: OwnedVm[];
  hostNames: Map<string, string>;
}

/** Connects to the inventory's vCenter and selects the owned VMs; the caller closes `client`. */
export async function openOwnedView(values: OwnedValues, filter: OwnedFilter | undefined, log: Logger): Promise<OwnedView> {
  const inventory = await loadInventory(values.inventory);
  if (inventory.vm.provider !== 'vsphere') throw new UsageError(`inventory ${inventory.file} does not use vSphere (vm.provider: ${inventory.vm.provider})`);
  const settings = inventory.vm.vsphere;
  const vcenterName = vcenterKey(settings.url);
  const leases = new LeaseStore(values['lease-dir'] ?? leaseStoreDir(vcenterName), vcenterName);
  const client = await connectVsphere(settings, log, { requestTimeoutMs: settings.requestTimeoutMs });
  try {
    const vcenter = client.url.host;
    const placement = await resolvePlacement(client, settings).catch(() => undefined);
    const container = placement?.datacenter;
    const [vms, hosts, leaseList] = await Promise.all([listVms(client, container), listHosts(client, container), leases.list()]);
    const hostNames = new Map(hosts.map((h) => [h.ref.value, h.name]));
    const selected = filterOwned(ownedVms(vms, leaseList, vcenter), filter ?? { owner: defaultOwner() });
    return { client, vcenter, leases, selected, hostNames };
  } catch (error) {
    await client.close();
    throw error;
  }
}

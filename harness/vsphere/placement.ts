// Where cloned VMs go: the inventory's datacenter, cluster or host, resource pool, datastore
// and folder resolved to MoRefs, each missing one named (a clone into a missing folder makes
// the simulator drop the connection, and real vCenter answers with a vague fault).
import type { VsphereSettings } from '../config/types.js';
import type { VimClient } from './client.js';
import { VsphereFault } from './fault.js';
import { findByName, findByPath, listObjects } from './inventory-find.js';
import type { MoRef } from './moref.js';
import type { Placement } from './specs.js';
import { asMoRef } from './value.js';

export interface ResolvedPlacement extends Placement {
  datacenter: MoRef;
  datacenterName: string;
  template: MoRef;
  /** Inventory path of the folder, for messages. */
  folderPath: string;
  /** Cluster holding the pool, when there is one (DRS checks). */
  cluster?: MoRef;
}

type Where = Pick<VsphereSettings, 'datacenter' | 'cluster' | 'host' | 'resourcePool' | 'datastore' | 'folder' | 'template'>;

function missing(key: string, what: string, path: string): VsphereFault {
  return new VsphereFault({ fault: 'NotFound', message: `vm.${key}: no ${what} at inventory path '${path}'` });
}

async function must(client: VimClient, key: string, what: string, path: string): Promise<MoRef> {
  const ref = await findByPath(client, path);
  if (!ref) throw missing(key, what, path);
  return ref;
}

function under(base: string, path: string): string {
  return path.startsWith('/') ? path : `${base}/${path}`;
}

/** Resolves every placement setting; throws a VsphereFault naming the first one not found. */
export async function resolvePlacement(client: VimClient, where: Where): Promise<ResolvedPlacement> {
  let dcName = where.datacenter;
  if (dcName === undefined) {
    const dcs = await listObjects(client, 'Datacenter', ['name']);
    const first = dcs[0];
    if (!first) throw new VsphereFault({ fault: 'NotFound', message: 'vCenter has no datacenter' });
    if (dcs.length > 1) throw new VsphereFault({ fault: 'InvalidArgument', message: `vm.datacenter: vCenter has ${dcs.length} datacenters (${dcs.map((d) => String(d.props.name)).join(', ')}); name one` });
    dcName = String(first.props.name);
  }
  const dcPath = `/${dcName}`;
  const datacenter = await must(client, 'datacenter', 'datacenter', dcPath);

  const folderPath = where.folder === undefined ? `${dcPath}/vm` : under(`${dcPath}/vm`, where.folder);
  const folder = await must(client, 'folder', 'VM folder', folderPath);
  if (folder.type !== 'Folder') throw new VsphereFault({ fault: 'InvalidArgument', message: `vm.folder: '${folderPath}' is a ${folder.type}, not a folder` });

  const template = where.template.includes('/')
    ? await must(client, 'template', 'template VM', under(`${dcPath}/vm`, where.template))
    : await findByName(client, 'VirtualMachine', where.template, datacenter);
  if (!template || template.type !== 'VirtualMachine') throw missing('template', 'template VM', where.template);

  const computePath = where.cluster !== undefined ? `${dcPath}/host/${where.cluster}` : where.host !== undefined ? `${dcPath}/host/${where.host}` : undefined;
  let cluster: MoRef | undefined;
  let pool: MoRef;
  if (where.resourcePool !== undefined) {
    pool = await must(client, 'resourcePool', 'resource pool', under(computePath === undefined ? `${dcPath}/host` : `${computePath}/Resources`, where.resourcePool));
  } else if (computePath !== undefined) {
    const compute = await must(client, where.cluster !== undefined ? 'cluster' : 'host', where.cluster !== undefined ? 'cluster' : 'host', computePath);
    if (compute.type === 'ClusterComputeResource') cluster = compute;
    const root = asMoRef((await client.properties(compute, ['resourcePool'])).resourcePool);
    if (!root) throw new VsphereFault({ fault: 'NotFound', message: `${computePath} has no resource pool` });
    pool = root;
  } else {
    const own = asMoRef((await client.properties(template, ['resourcePool'])).resourcePool);
    if (!own) throw new VsphereFault({ fault: 'InvalidArgument', message: 'vm.resourcePool: the template is not in a resource pool; give vm.cluster, vm.host or vm.resourcePool' });
    pool = own;
  }
  if (!cluster) {
    const owner = asMoRef((await client.properties(pool, ['owner'])).owner);
    if (owner?.type === 'ClusterComputeResource') cluster = owner;
  }

  const placement: ResolvedPlacement = { datacenter, datacenterName: dcName, template, folder, folderPath, pool };
  if (cluster) placement.cluster = cluster;
  if (where.datastore !== undefined) placement.datastore = await must(client, 'datastore', 'datastore', under(`${dcPath}/datastore`, where.datastore));
  if (where.host !== undefined) {
    const host = await findByName(client, 'HostSystem', where.host, datacenter);
    if (!host) throw missing('host', 'host', `${dcPath}/host/.../${where.host}`);
    placement.host = host;
  }
  return placement;
}

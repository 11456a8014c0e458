// Finding things in the vCenter inventory: by inventory path (SearchIndex), and every object
// of a type with chosen properties (a ContainerView read with one RetrievePropertiesEx).
import type { ObjectContent, VimClient } from './client.js';
import type { MoRef } from './moref.js';
import { asMoRef } from './value.js';

/** The object at an inventory path like `/DC0/vm/templates/ubuntu`, or undefined. */
export async function findByPath(client: VimClient, path: string): Promise<MoRef | undefined> {
  const ref = await client.call('FindByInventoryPath', client.service.searchIndex, { inventoryPath: path });
  return asMoRef(ref);
}

/** All objects of `type` under `container` (default: the root folder) with `pathSet` read. */
export async function listObjects(client: VimClient, type: string, pathSet: string[], container?: MoRef): Promise<ObjectContent[]> {
  const view = asMoRef(
    await client.call('CreateContainerView', client.service.viewManager, { container: container ?? client.service.rootFolder, type: [type], recursive: true }),
  );
  if (!view) return [];
  try {
    return await client.retrieve(
      [{ type, pathSet }],
      [{ obj: view, skip: true, selectSet: [{ $type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false }] }],
    );
  } finally {
    await client.call('DestroyView', view).catch(() => undefined);
  }
}

/** The first object of `type` named `name` (by the `name` property). */
export async function findByName(client: VimClient, type: string, name: string, container?: MoRef): Promise<MoRef | undefined> {
  const all = await listObjects(client, type, ['name'], container);
  return all.find((o) => o.props.name === name)?.obj;
}

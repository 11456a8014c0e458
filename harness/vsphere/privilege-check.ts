// What `vharness plan` can tell about the vCenter user and the template before anything is
// created: each privilege a run needs, checked on the object it applies to with
// AuthorizationManager.HasPrivilegeOnEntity for this session, and the template's VMware Tools
// (guest IP and customization need them). Missing ones are named one finding each.
import type { Finding } from '../providers/provider.js';
import type { VimClient } from './client.js';
import type { MoRef } from './moref.js';
import type { ResolvedPlacement } from './placement.js';
import { asBoolean, asString, field } from './value.js';

type EntityRole = 'template' | 'folder' | 'pool' | 'datastore' | 'datacenter';

/** The privileges a run needs, on the object each applies to, with what it is needed for. */
export const REQUIRED_PRIVILEGES: readonly { entity: EntityRole; id: string; why: string }[] = [
  { entity: 'datacenter', id: 'System.Read', why: 'read the inventory' },
  { entity: 'template', id: 'VirtualMachine.Provisioning.Clone', why: 'clone the template' },
  { entity: 'template', id: 'VirtualMachine.Provisioning.Customize', why: 'customize the clone (its IP)' },
  { entity: 'folder', id: 'VirtualMachine.Inventory.CreateFromExisting', why: 'create the clones in the folder' },
  { entity: 'folder', id: 'VirtualMachine.Inventory.Delete', why: 'destroy the VMs it created (teardown, vms destroy)' },
  { entity: 'folder', id: 'VirtualMachine.Config.CPUCount', why: 'reconfigure vCPUs' },
  { entity: 'folder', id: 'VirtualMachine.Config.Memory', why: 'reconfigure memory' },
  { entity: 'folder', id: 'VirtualMachine.Config.Annotation', why: 'write the ownership note' },
  { entity: 'folder', id: 'VirtualMachine.Interact.PowerOn', why: 'power the VMs on' },
  { entity: 'folder', id: 'VirtualMachine.Interact.PowerOff', why: 'power the VMs off' },
  { entity: 'pool', id: 'Resource.AssignVMToPool', why: 'place the clones in the resource pool' },
  { entity: 'datastore', id: 'Datastore.AllocateSpace', why: 'store the clones on the datastore' },
];

export interface PrivilegeAnswer {
  entity: EntityRole;
  /** Name of the object for messages. */
  where: string;
  /** Granted or not, in the order of `ids`. */
  granted: readonly boolean[];
  ids: readonly string[];
}

/** One error per privilege not granted (pure: the answers come from vCenter). */
export function privilegeFindings(answers: readonly PrivilegeAnswer[], user: string): Finding[] {
  const findings: Finding[] = [];
  for (const answer of answers) {
    answer.ids.forEach((id, i) => {
      if (answer.granted[i] === true) return;
      const why = REQUIRED_PRIVILEGES.find((p) => p.id === id && p.entity === answer.entity)?.why ?? 'a run needs it';
      findings.push({ level: 'error', message: `vSphere: user ${user} lacks privilege ${id} on ${answer.entity} ${answer.where} (needed to ${why})` });
    });
  }
  return findings;
}

/** Template properties a run relies on: VMware Tools (guest IP, customization), a Linux guest. */
export function templateFindings(template: { name: string; toolsStatus: string | undefined; guestFamily: string | undefined; guestId: string | undefined }): Finding[] {
  const findings: Finding[] = [];
  if (template.toolsStatus === 'toolsNotInstalled') {
    findings.push({ level: 'warn', message: `vSphere: template ${template.name} reports no VMware Tools: install open-vm-tools in it, or guest IPs and customization will fail` });
  }
  const linux = template.guestFamily === 'linuxGuest' || /linux|ubuntu|debian|rhel|centos|sles|photon|rocky|alma|oracle/i.test(template.guestId ?? '');
  if (template.guestId !== undefined && !linux) findings.push({ level: 'warn', message: `vSphere: template ${template.name} has guest OS ${template.guestId}; the agent runs on Linux x64` });
  return findings;
}

/** Asks vCenter for this session's privileges on the placement's objects and the template's tools. */
export async function accessFindings(client: VimClient, placement: ResolvedPlacement, user: string, templateName: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const authz = client.service.authorizationManager;
  const session = await client.properties(client.service.sessionManager, ['currentSession']);
  const sessionId = asString(field(session.currentSession, 'key'));
  if (authz === undefined || sessionId === undefined) {
    findings.push({ level: 'info', message: 'vSphere: privileges not checked (no AuthorizationManager or session key)' });
  } else {
    const entities: Record<EntityRole, MoRef | undefined> = { datacenter: placement.datacenter, template: placement.template, folder: placement.folder, pool: placement.pool, datastore: placement.datastore };
    const answers: PrivilegeAnswer[] = [];
    for (const role of ['datacenter', 'template', 'folder', 'pool', 'datastore'] as const) {
      const entity = entities[role];
      if (entity === undefined) continue;
      const ids = REQUIRED_PRIVILEGES.filter((p) => p.entity === role).map((p) => p.id);
      // One privilege per call: the client reads one returnval element per answer.
      const granted: boolean[] = [];
      for (const id of ids) granted.push(asBoolean(await client.call('HasPrivilegeOnEntity', authz, { entity, sessionId, privId: [id] })) === true);
      answers.push({ entity: role, where: role === 'template' ? templateName : entity.value, ids, granted });
    }
    const missing = privilegeFindings(answers, user);
    findings.push(...missing);
    if (missing.length === 0) findings.push({ level: 'info', message: `vSphere: user ${user} holds the ${REQUIRED_PRIVILEGES.length} privileges a run needs` });
  }
  const t = await client.properties(placement.template, ['guest.toolsStatus', 'config.guestId', 'guest.guestFamily']);
  findings.push(...templateFindings({ name: templateName, toolsStatus: asString(t['guest.toolsStatus']), guestFamily: asString(t['guest.guestFamily']), guestId: asString(t['config.guestId']) }));
  return findings;
}

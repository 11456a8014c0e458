// Reading VMs back: name, size, VM settings, power state, host, guest addresses and vharness
// ownership, for all VMs of a datacenter in one property read.
import type { ObjectContent, VimClient } from './client.js';
import { listObjects } from './inventory-find.js';
import type { MoRef } from './moref.js';
import { parseOwnership, type Ownership } from './ownership.js';
import { asArray, asBoolean, asMoRef, asNumber, asString, field } from './value.js';
import type { VmConfig } from './vm-config.js';

export interface VmInfo {
  ref: MoRef;
  name: string;
  numCPUs: number;
  memoryMB: number;
  coresPerSocket: number;
  powerState: string;
  template: boolean;
  host: MoRef | undefined;
  /** Addresses the guest reports, per NIC (guest.net[].ipAddress), then guest.ipAddress. */
  addresses: string[];
  annotation: string;
  ownership: Ownership | undefined;
  /** Size and VM settings as vCenter reports them. */
  config: VmConfig;
}

export const VM_PROPERTIES = [
  'name',
  'config.annotation',
  'config.template',
  'config.hardware.numCPU',
  'config.hardware.memoryMB',
  'config.hardware.numCoresPerSocket',
  'config.latencySensitivity',
  'config.cpuAllocation',
  'config.memoryAllocation',
  'config.memoryReservationLockedToMax',
  'config.cpuAffinity',
  'runtime.powerState',
  'runtime.host',
  'guest.net',
  'guest.ipAddress',
];

export function vmInfo(content: ObjectContent): VmInfo {
  const p = content.props;
  const addresses: string[] = [];
  for (const nic of asArray(p['guest.net'])) {
    for (const a of asArray(field(nic, 'ipAddress'))) {
      const s = asString(a);
      if (s) addresses.push(s);
    }
  }
  const primary = asString(p['guest.ipAddress']);
  if (primary && !addresses.includes(primary)) addresses.push(primary);
  const annotation = asString(p['config.annotation']) ?? '';
  const numCPUs = asNumber(p['config.hardware.numCPU']) ?? 0;
  const memoryMB = asNumber(p['config.hardware.memoryMB']) ?? 0;
  const coresPerSocket = asNumber(p['config.hardware.numCoresPerSocket']) ?? 0;
  const level = asString(field(p['config.latencySensitivity'], 'level'));
  const config: VmConfig = {
    numCPUs,
    memoryMB,
    coresPerSocket,
    latencySensitivity: level === 'high' ? 'high' : 'normal',
    cpuReservationMHz: asNumber(field(p['config.cpuAllocation'], 'reservation')) ?? 0,
    memoryReservationMB: asNumber(field(p['config.memoryAllocation'], 'reservation')) ?? 0,
    memoryLocked: asBoolean(p['config.memoryReservationLockedToMax']) ?? false,
    cpuAffinity: asArray(field(p['config.cpuAffinity'], 'affinitySet'))
      .map((v) => asNumber(v))
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b),
  };
  return {
    ref: content.obj,
    name: asString(p.name) ?? content.obj.value,
    numCPUs,
    memoryMB,
    coresPerSocket,
    powerState: asString(p['runtime.powerState']) ?? 'unknown',
    template: asBoolean(p['config.template']) ?? false,
    host: asMoRef(p['runtime.host']),
    addresses,
    annotation,
    ownership: parseOwnership(annotation),
    config,
  };
}

/** Every VM under `container` (a datacenter; default: all of vCenter). */
export async function listVms(client: VimClient, container?: MoRef): Promise<VmInfo[]> {
  return (await listObjects(client, 'VirtualMachine', VM_PROPERTIES, container)).map(vmInfo);
}

/** One VM read back. */
export async function readVm(client: VimClient, ref: MoRef): Promise<VmInfo> {
  return vmInfo({ obj: ref, props: await client.properties(ref, VM_PROPERTIES), missing: [] });
}

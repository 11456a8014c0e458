// The vim25 data objects vharness sends, built in WSDL field order (vCenter checks the xsd
// sequence): clone and relocate (folder, datastore, pool, host), reconfigure (size, VM settings,
// ownership note), guest customization with a fixed IP.
import type { MoRef } from './moref.js';
import type { VimObject } from './value.js';
import { settingsSpec, type VmConfig } from './vm-config.js';

export interface Placement {
  folder: MoRef;
  pool: MoRef;
  datastore?: MoRef;
  host?: MoRef;
}

/** VirtualMachineRelocateSpec (folder, datastore, pool, host: WSDL order); used by clone and relocate. */
export function relocateSpec(placement: Partial<Placement>): VimObject {
  return { folder: placement.folder, datastore: placement.datastore, pool: placement.pool, host: placement.host };
}

/** VirtualMachineCloneSpec: powered off, not a template; size and IP come later. */
export function cloneSpec(placement: Placement, annotation: string): VimObject {
  return {
    location: relocateSpec(placement),
    template: false,
    // Real vCenter applies the note at clone time already (the simulator ignores it).
    config: { annotation },
    powerOn: false,
  };
}

/**
 * VirtualMachineConfigSpec for a new configuration (size and VM settings, powered off) and/or
 * a new note, in WSDL field order. CPU hot-add stays off (it disables vNUMA).
 */
export function configSpec(change: { config?: VmConfig; annotation?: string }): VimObject {
  const c = change.config;
  const settings = c ? settingsSpec(c) : undefined;
  return {
    annotation: change.annotation,
    numCPUs: c?.numCPUs,
    numCoresPerSocket: c?.coresPerSocket,
    memoryMB: c?.memoryMB,
    cpuHotAddEnabled: c ? false : undefined,
    ...settings?.head,
    ...settings?.tail,
  };
}

export interface GuestNetwork {
  hostName: string;
  ipAddress: string;
  subnetMask: string;
  gateway?: string;
  dns?: string[];
}

/** CustomizationSpec: Linux prep with a fixed host name and one NIC with a fixed address. */
export function customizationSpec(net: GuestNetwork): VimObject {
  return {
    identity: {
      $type: 'CustomizationLinuxPrep',
      hostName: { $type: 'CustomizationFixedName', name: net.hostName },
      domain: 'localdomain',
      hwClockUTC: true,
    },
    globalIPSettings: { dnsServerList: net.dns },
    nicSettingMap: [
      {
        adapter: {
          ip: { $type: 'CustomizationFixedIp', ipAddress: net.ipAddress },
          subnetMask: net.subnetMask,
          gateway: net.gateway === undefined ? undefined : [net.gateway],
        },
      },
    ],
  };
}

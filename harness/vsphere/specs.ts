// The vim25 data objects vharness sends, built in WSDL field order (vCenter checks the xsd
// sequence): clone, reconfigure (size + ownership note), guest customization with a fixed IP.
import type { MoRef } from './moref.js';
import type { VimObject } from './value.js';

export interface Placement {
  folder: MoRef;
  pool: MoRef;
  datastore?: MoRef;
  host?: MoRef;
}

/** VirtualMachineCloneSpec: powered off, not a template; size and IP come later. */
export function cloneSpec(placement: Placement, annotation: string): VimObject {
  return {
    location: { folder: placement.folder, datastore: placement.datastore, pool: placement.pool, host: placement.host },
    template: false,
    // Real vCenter applies the note at clone time already (the simulator ignores it).
    config: { annotation },
    powerOn: false,
  };
}

export interface VmSize {
  numCPUs: number;
  memoryMB: number;
  /** @default numCPUs (one socket) */
  coresPerSocket?: number;
}

/** VirtualMachineConfigSpec for a size change and/or a new note. CPU hot-add stays off (it disables vNUMA). */
export function configSpec(change: { size?: VmSize; annotation?: string }): VimObject {
  const size = change.size;
  return {
    annotation: change.annotation,
    numCPUs: size?.numCPUs,
    numCoresPerSocket: size ? (size.coresPerSocket ?? size.numCPUs) : undefined,
    memoryMB: size?.memoryMB,
    cpuHotAddEnabled: size ? false : undefined,
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

// ESXi host facts for the run manifest and for capacity checks: version, CPU model, sockets,
// cores, threads, memory, and what runs there.
import type { VimClient } from './client.js';
import { listObjects } from './inventory-find.js';
import type { MoRef } from './moref.js';
import { asMoRef, asNumber, asString } from './value.js';

export interface EsxiHost {
  ref: MoRef;
  name: string;
  esxi: string;
  build: string;
  cpuModel: string;
  sockets: number;
  cores: number;
  threads: number;
  cpuMhz: number;
  memoryBytes: number;
  /** The cluster (or standalone compute resource) the host belongs to. */
  parent: MoRef | undefined;
  inMaintenance: boolean;
}

const HOST_PROPERTIES = [
  'name',
  'parent',
  'summary.config.product.version',
  'summary.config.product.build',
  'summary.hardware.cpuModel',
  'summary.hardware.numCpuPkgs',
  'summary.hardware.numCpuCores',
  'summary.hardware.numCpuThreads',
  'summary.hardware.cpuMhz',
  'summary.hardware.memorySize',
  'runtime.inMaintenanceMode',
];

/** Every ESXi host under `container` (default: all of vCenter). */
export async function listHosts(client: VimClient, container?: MoRef): Promise<EsxiHost[]> {
  const hosts = await listObjects(client, 'HostSystem', HOST_PROPERTIES, container);
  return hosts.map(({ obj, props: p }) => ({
    ref: obj,
    name: asString(p.name) ?? obj.value,
    esxi: asString(p['summary.config.product.version']) ?? '',
    build: asString(p['summary.config.product.build']) ?? '',
    cpuModel: asString(p['summary.hardware.cpuModel']) ?? '',
    sockets: asNumber(p['summary.hardware.numCpuPkgs']) ?? 0,
    cores: asNumber(p['summary.hardware.numCpuCores']) ?? 0,
    threads: asNumber(p['summary.hardware.numCpuThreads']) ?? 0,
    cpuMhz: asNumber(p['summary.hardware.cpuMhz']) ?? 0,
    memoryBytes: asNumber(p['summary.hardware.memorySize']) ?? 0,
    parent: asMoRef(p.parent),
    inMaintenance: p['runtime.inMaintenanceMode'] === true || p['runtime.inMaintenanceMode'] === 'true',
  }));
}

/** The manifest's hypervisor facts of a host. */
export function hypervisorFacts(host: EsxiHost): Record<string, string | number> {
  return {
    esxi: host.esxi,
    build: host.build,
    cpuModel: host.cpuModel,
    sockets: host.sockets,
    cores: host.cores,
    threads: host.threads,
    cpuMhz: host.cpuMhz,
    memoryBytes: host.memoryBytes,
  };
}

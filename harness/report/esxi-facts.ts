// The ESXi hosts of a vSphere inventory (version, CPU model, sockets, cores, memory) for
// `inventory diff --probe`: read from vCenter, nothing created. Outcome as data.
import type { Inventory } from '../config/types.js';
import type { Logger } from '../log.js';
import { connectVsphere } from '../vsphere/connect.js';
import { listHosts, type EsxiHost } from '../vsphere/host-facts.js';

export type EsxiFacts = Pick<EsxiHost, 'name' | 'esxi' | 'build' | 'cpuModel' | 'sockets' | 'cores' | 'threads' | 'memoryBytes'>;

export type LabEsxi = { status: 'none' } | { status: 'ok'; vcenter: string; hosts: EsxiFacts[] } | { status: 'failed'; error: string };

/** The inventory's ESXi hosts (`none` when its VMs are not on vSphere). */
export async function probeEsxiHosts(inventory: Inventory, log: Logger): Promise<LabEsxi> {
  if (inventory.vm.provider !== 'vsphere') return { status: 'none' };
  const settings = inventory.vm.vsphere;
  try {
    const client = await connectVsphere(settings, log);
    try {
      const hosts = (await listHosts(client)).filter((h) => settings.host === undefined || h.name === settings.host);
      return {
        status: 'ok',
        vcenter: client.service.about.fullName,
        hosts: hosts.map((h) => ({ name: h.name, esxi: h.esxi, build: h.build, cpuModel: h.cpuModel, sockets: h.sockets, cores: h.cores, threads: h.threads, memoryBytes: h.memoryBytes })),
      };
    } finally {
      await client.close();
    }
  } catch (error) {
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}

// `plan`'s placement table: per configuration and host, the VMs placed there, their vCPUs
// against the host's logical CPUs and cores, their memory against the host's (with the running
// VMs that are not vharness's), and the configuration's verdict. Formats only.
import Table from 'cli-table3';
import { tableOptions } from '../report/table-style.js';
import { formatMemoryMB } from '../vsphere/memory-size.js';
import type { ConfigurationPlacement } from '../vsphere/capacity.js';

/** The table, one row per (configuration, host), VM names listed. */
export function placementTable(placements: ConfigurationPlacement[]): string {
  const table = new Table(tableOptions(['config', 'placement', 'host', 'VMs', 'vCPUs (+ others) / CPUs / cores', 'memory (+ others) / host', 'verdict']));
  for (const p of placements) {
    if (p.hosts.length === 0) table.push([p.configuration, p.policy, '-', '-', '-', '-', p.verdict]);
    for (const [i, h] of p.hosts.entries()) {
      const cpus = `${h.vcpus}${h.otherVcpus > 0 ? ` (+${h.otherVcpus})` : ''} / ${h.threads} / ${h.cores}`;
      const memory = `${formatMemoryMB(h.memoryMB)}${h.otherMemoryMB > 0 ? ` (+${formatMemoryMB(h.otherMemoryMB)})` : ''} / ${formatMemoryMB(h.hostMemoryMB)}`;
      table.push([i === 0 ? p.configuration : '', i === 0 ? p.policy : '', h.host, h.vms.join(' '), cpus, memory, i === 0 ? p.verdict : '']);
    }
  }
  return table.toString();
}

// A VM's placement and settings (summary.json per_instance[].vm) in words, and which of them
// differ between two runs' cells: a VM tuned otherwise (latency sensitivity, reservations,
// affinity, vNUMA) measures something else, so `compare` says so. Pure.
import type { CellSummary, VmRecord } from '../results/types.js';

const SETTINGS: [keyof VmRecord, string][] = [
  ['placement', 'placement'],
  ['cores_per_socket', 'cores per socket'],
  ['latency_sensitivity', 'latency sensitivity'],
  ['cpu_reservation_mhz', 'CPU reservation MHz'],
  ['memory_reservation_mb', 'memory reservation MB'],
  ['memory_locked', 'memory locked'],
  ['cpu_affinity', 'CPU affinity'],
];

/** `on DC0_C0_H0 (spread), 6 cores/socket, latency high, CPU res 2000 MHz, memory res 92160 MB (locked), affinity 0-11`. */
export function formatVmRecord(r: VmRecord): string {
  return [
    `on ${r.host} (${r.placement})`,
    `${r.cores_per_socket} cores/socket`,
    `latency ${r.latency_sensitivity}`,
    `CPU res ${r.cpu_reservation_mhz} MHz`,
    `memory res ${r.memory_reservation_mb} MB${r.memory_locked ? ' (locked)' : ''}`,
    `affinity ${r.cpu_affinity}`,
  ].join(', ');
}

/** Settings whose values differ between the VMs of two cells (hosts left out: labs name them apart). */
export function vmSettingDifferences(a: CellSummary, b: CellSummary): string[] {
  const values = (cell: CellSummary, key: keyof VmRecord): string =>
    [...new Set(cell.per_instance.map((i) => (i.vm ? String(i.vm[key]) : 'not recorded')))].sort().join(' | ');
  if (!a.per_instance.some((i) => i.vm) && !b.per_instance.some((i) => i.vm)) return [];
  const out: string[] = [];
  for (const [key, label] of SETTINGS) {
    const va = values(a, key);
    const vb = values(b, key);
    if (va !== vb) out.push(`${label}: A ${va}, B ${vb}`);
  }
  return out;
}

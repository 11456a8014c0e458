// `vharness inventory diff` as terminal text: the inventory differences by section, then (with
// --probe) every probed host of both labs in one table and the findings that matter.
import Table from 'cli-table3';
import type { Finding } from '../core/shared-types.js';
import { cpuFlagList } from './run-facts.js';
import { formatGiB } from './format-number.js';
import type { InventoryDifference } from './inventory-diff.js';
import type { LabSide } from './lab-differences.js';

const tableStyle = { head: [], border: [], compact: true };

/** The differences table, or a line saying there are none. */
export function renderInventoryDiff(nameA: string, nameB: string, diffs: InventoryDifference[]): string {
  if (diffs.length === 0) return 'The inventories do not differ (apart from their file names).\n';
  const table = new Table({ head: ['section', 'key', `A: ${nameA}`, `B: ${nameB}`], style: tableStyle });
  for (const d of diffs) table.push([d.section, d.path, d.a ?? '(not set)', d.b ?? '(not set)']);
  return `${table.toString()}\n`;
}

/** Every probed host of both labs, one row each. */
export function renderLabFacts(labs: LabSide[]): string {
  const table = new Table({ head: ['lab', 'host', 'roles', 'CPU model', 'sockets/cores/threads', 'NUMA', 'memory', 'CPU flags', 'ESXi', 'node', 'onnxruntime', 'status'], style: tableStyle });
  for (const lab of labs) {
    const esxi = lab.esxi ?? { status: 'none' };
    for (const h of esxi.status === 'ok' ? esxi.hosts : []) {
      table.push([lab.name, h.name, 'ESXi host', h.cpuModel || '-', `${h.sockets}/${h.cores}/${h.threads}`, '-', formatGiB(h.memoryBytes), '-', `${h.esxi} (${h.build})`, '-', '-', 'ok']);
    }
    if (esxi.status === 'failed') table.push([lab.name, 'vCenter', 'ESXi hosts', '-', '-', '-', '-', '-', '-', '-', '-', `failed: ${esxi.error}`]);
    for (const h of lab.hosts) {
      if (h.provider === 'vsphere' && h.status === 'skipped' && esxi.status !== 'none') continue; // the ESXi rows stand for it
      const s = h.sysinfo;
      table.push([
        lab.name,
        h.name,
        h.roles.join('+'),
        s?.cpuModel ?? '-',
        s ? `${s.sockets}/${s.cores}/${s.threads}` : '-',
        s ? String(s.numaNodes) : '-',
        s ? formatGiB(s.memoryBytes) : '-',
        cpuFlagList(s?.flags),
        '-',
        s?.nodeVersion ?? '-',
        s?.onnxruntimeVersion ?? '-',
        h.status === 'ok' ? 'ok' : `${h.status}: ${h.error ?? ''}`,
      ]);
    }
  }
  return `${table.toString()}\n`;
}

const marks = { info: 'note', warn: 'warning', error: 'ERROR' } as const satisfies Record<Finding['level'], string>;

/** The findings as lines, most serious first. */
export function renderFindings(findings: Finding[]): string {
  if (findings.length === 0) return 'No difference that matters for the workloads was found.\n';
  const rank = { error: 0, warn: 1, info: 2 } as const;
  return `${[...findings].sort((x, y) => rank[x.level] - rank[y.level]).map((f) => `${marks[f.level]}: ${f.message}`).join('\n')}\n`;
}

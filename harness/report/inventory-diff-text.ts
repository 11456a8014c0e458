// `vharness inventory diff` as terminal text: the inventory differences by section, then (with
// --probe) every probed host of both labs in one table and the findings that matter.
import Table from 'cli-table3';
import type { Finding } from '../core/shared-types.js';
import { cpuFlagList } from './run-facts.js';
import { formatGiB } from './format-number.js';
import type { InventoryDifference } from './inventory-diff.js';
import type { LabSide } from './lab-differences.js';

const tableStyle = { head: [], border: [], compact: true };

/** A value that is a JSON list of scalars (an IP pool, DNS servers...), as strings. */
function listOf(value: string | undefined): string[] | undefined {
  if (value === undefined || !value.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((v) => typeof v !== 'object') ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** A long list summarized: how many items, first and last, and those the other side lacks. */
function cellText(own: string | undefined, other: string | undefined, otherName: string): string {
  if (own === undefined) return '(not set)';
  const mine = listOf(own);
  if (mine === undefined || own.length <= 40) return own;
  const theirs = new Set(listOf(other) ?? []);
  const missing = mine.filter((item) => !theirs.has(item));
  const shown = missing.slice(0, 3).join(', ');
  const more = missing.length > 3 ? `, +${missing.length - 3} more` : '';
  return `${mine.length} items: ${mine[0]} .. ${mine[mine.length - 1]}${missing.length > 0 && other !== undefined ? `; not in ${otherName}: ${shown}${more}` : ''}`;
}

/** The differences table fitted to `width` columns (long values wrap), or a line saying there are none. */
export function renderInventoryDiff(nameA: string, nameB: string, diffs: InventoryDifference[], width = 100): string {
  if (diffs.length === 0) return 'The inventories do not differ (apart from their file names).\n';
  const rows = diffs.map((d) => [d.section, d.path, cellText(d.a, d.b, 'B'), cellText(d.b, d.a, 'A')]);
  // Widths include the padding; a row has 5 border characters. Values get what is left, at
  // least 16 each: on a narrow terminal the key and section columns give way first.
  let sectionWidth = Math.min(24, Math.max(9, ...rows.map((r) => (r[0] ?? '').length + 2)));
  let keyWidth = Math.min(34, Math.max(5, ...rows.map((r) => (r[1] ?? '').length + 2)));
  let deficit = 2 * 16 - (width - 5 - sectionWidth - keyWidth);
  if (deficit > 0) {
    const fromKey = Math.min(deficit, keyWidth - 12);
    keyWidth -= Math.max(0, fromKey);
    deficit -= Math.max(0, fromKey);
    if (deficit > 0) sectionWidth = Math.max(10, sectionWidth - deficit);
  }
  const valueWidth = Math.max(16, Math.floor((width - 5 - sectionWidth - keyWidth) / 2));
  const table = new Table({ head: ['section', 'key', `A: ${nameA}`, `B: ${nameB}`], style: tableStyle, colWidths: [sectionWidth, keyWidth, valueWidth, valueWidth], wordWrap: true, wrapOnWordBoundary: false });
  for (const row of rows) table.push(row);
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

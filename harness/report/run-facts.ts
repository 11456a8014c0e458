// The facts printed under a run's figures: what ran where (hosts, CPU flags, versions) and how
// trustworthy each cell is (validity flags, start skew, failed cells and why). Pure.
import type { CpuFlags } from '../../agent/protocol.js';
import type { HostFacts } from '../core/shared-types.js';
import type { CellSummary, RunManifest, RunSummary } from '../results/types.js';
import type { TextTable } from './figures.js';
import { formatGiB, formatMeasure, formatPercent } from './format-number.js';
import { cellReasons, cellState, headlineEstimate } from './verdict-text.js';
import { formatVmRecord } from './vm-record-text.js';

export interface RunFacts {
  /** Label/value lines about the run as a whole. */
  run: [string, string][];
  hosts: TextTable;
  counts: { cells: number; completed: number; valid: number; invalid: number; noisy: number; failed: number };
  validity: TextTable;
  failed: { key: string; reason: string; instances: string[] }[];
  notes: string[];
  /** Said when manifest.json is missing. */
  missingManifest: boolean;
}

const flagNames = ['avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'amx_int8'] as const satisfies readonly (keyof CpuFlags)[];

/** CPU flags that are set, e.g. `avx2 avx512f avx512_vnni`; `-` when none known. */
export function cpuFlagList(flags: CpuFlags | undefined): string {
  if (!flags) return '-';
  const set = flagNames.filter((f) => flags[f]);
  return set.length === 0 ? 'none' : set.join(' ');
}

/** What a host was in the run: a VM, the bare-metal baseline, the controller, an ESXi host. */
export function hostRole(host: HostFacts, cells: readonly CellSummary[]): string {
  if (host.name.startsWith('controller:')) return 'controller';
  if (host.hypervisor !== undefined) return 'ESXi host';
  const roles: string[] = [];
  if (cells.some((c) => c.target === 'vm' && c.per_instance.some((i) => i.name === host.name))) roles.push('vm');
  if (cells.some((c) => c.target === 'baremetal' && c.per_instance.some((i) => i.host === host.name))) roles.push('baremetal');
  return roles.length === 0 ? '-' : roles.join('+');
}

function hostRow(host: HostFacts, cells: readonly CellSummary[]): string[] {
  const s = host.sysinfo;
  const h = host.hypervisor ?? {};
  const hv = Object.entries(h)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  return [
    host.name,
    hostRole(host, cells),
    host.kind,
    s?.cpuModel ?? (typeof h.cpuModel === 'string' ? h.cpuModel : '-'),
    s ? `${s.sockets}/${s.cores}/${s.threads}` : '-',
    s ? String(s.numaNodes) : '-',
    s ? formatGiB(s.memoryBytes) : '-',
    cpuFlagList(s?.flags),
    s ? (s.virtualized ? 'yes' : 'no') : '-',
    s ? `${s.os} (${s.kernel})` : '-',
    s ? `node ${s.nodeVersion}, ort ${s.onnxruntimeVersion}` : '-',
    hv || '-',
  ];
}

function duration(start: string, end: string): string {
  const ms = Date.parse(end) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}

function skewShare(cell: CellSummary): string {
  if (cell.status !== 'completed' || cell.start_skew_ms === null || cell.window_s <= 0) return '-';
  return formatPercent((cell.start_skew_ms / (cell.window_s * 1000)) * 100).replace(/^\+/, '');
}

function peakRss(cell: CellSummary): string {
  const rss = cell.per_instance.map((i) => i.peak_rss_bytes).filter((v): v is number => typeof v === 'number');
  return rss.length === 0 ? '-' : `${formatMeasure(Math.max(...rss) / 2 ** 20)} MiB`;
}

/** What the run measured, named after its model: `ResNet-50 v1.5 (synthetic)`, the tiny test net, or the file. */
export function modelTitle(arch: string): string {
  if (arch === 'resnet50') return 'ResNet-50 v1.5 (synthetic weights)';
  if (arch === 'tiny') return 'the tiny test net (not ResNet-50)';
  if (arch === '') return 'the model';
  return arch.split('/').pop() ?? arch;
}

/** Everything about a run that is not a figure. */
export function runFacts(summary: RunSummary, manifest: RunManifest | null): RunFacts {
  const run: [string, string][] = [
    ['run', summary.run_id],
    ['config', manifest?.config_file ?? summary.config],
    ['inventory', manifest ? `${manifest.inventory_name} (${manifest.inventory_file})` : summary.inventory],
    ['started', summary.started_at || '-'],
    ['finished', summary.finished_at || '-'],
    ['duration', duration(summary.started_at, summary.finished_at)],
  ];
  if (manifest) {
    run.push(['vharness', manifest.versions.vharness], ['node (controller)', manifest.versions.node], ['onnxruntime', manifest.versions.onnxruntime]);
    run.push(['git commit', manifest.git_commit ?? 'not a git checkout']);
    for (const m of manifest.models) run.push([`model ${m.precision}`, `${m.path} (sha256 ${m.sha256.slice(0, 16)}..., ${formatMeasure(m.bytes / 1e6)} MB)`]);
    if (manifest.command.length > 0) run.push(['command', manifest.command[0] === 'vharness' ? manifest.command.join(' ') : `vharness ${manifest.command.join(' ')}`]);
  } else {
    run.push(['model', summary.model.arch || '-']);
  }
  const cells = summary.cells;
  const completed = cells.filter((c) => c.status === 'completed');
  const notes: string[] = [];
  const vms = new Map<string, string>();
  for (const cell of cells) {
    for (const inst of cell.per_instance) if (inst.vm) vms.set(inst.name, formatVmRecord(inst.vm));
    for (const note of cell.notes ?? []) notes.push(`${cell.key}: ${note}`);
    for (const inst of cell.per_instance) for (const note of inst.notes ?? []) notes.push(`${cell.key} ${inst.name}: ${note}`);
  }
  const vmLines = [...vms].sort(([x], [y]) => x.localeCompare(y)).map(([name, text]): [string, string] => [`VM ${name}`, text]);
  return {
    run: [...run, ...vmLines],
    hosts: {
      headers: ['host', 'role', 'provider', 'CPU model', 'sockets/cores/threads', 'NUMA', 'memory', 'CPU flags', 'virtualized', 'OS', 'versions', 'hypervisor'],
      rows: (manifest?.hosts ?? []).map((h) => hostRow(h, cells)),
    },
    counts: {
      cells: cells.length,
      completed: completed.length,
      valid: completed.filter((c) => c.validity === 'valid').length,
      invalid: completed.filter((c) => c.validity === 'invalid').length,
      noisy: completed.filter((c) => c.validity === 'noisy').length,
      failed: cells.length - completed.length,
    },
    validity: {
      headers: ['cell', 'status', 'reasons', 'trials', 'CV between trials', 'start skew ms', 'skew / window', 'window s', 'instances', 'peak RSS (largest instance)'],
      rows: cells.map((c) => {
        const e = headlineEstimate(c);
        return [
          c.key,
          cellState(c),
          cellReasons(c).join('; ') || '-',
          `${c.trials.filter((t) => t.status === 'completed').length}/${c.repeats}`,
          e && e.n >= 2 ? `${(e.cv * 100).toFixed(1)}%` : '-',
          formatMeasure(c.status === 'completed' ? c.start_skew_ms : null),
          skewShare(c),
          formatMeasure(c.status === 'completed' ? c.window_s : null),
          String(c.instances),
          peakRss(c),
        ];
      }),
    },
    failed: cells
      .filter((c) => c.status === 'failed')
      .map((c) => ({
        key: c.key,
        reason: c.error,
        instances: c.per_instance.filter((i) => i.status !== 'completed').map((i) => `${i.name} on ${i.host}: ${i.status}${i.error ? ` (${i.error})` : ''}`),
      })),
    notes: [...new Set(notes)],
    missingManifest: manifest === null,
  };
}

// VM vs bare metal in the server scenario (pure): the ratio of the QPS found within the bound,
// and the p99 latency of both sides at a common offered rate (the lower of the two rates
// found). At its own rate a side's p99 is its confirming run's; otherwise it is interpolated
// linearly between the two search probes around the common rate (said so in `how`).
import type { Precision } from '../../agent/protocol.js';
import type { CellSummary, ServerProbe } from '../results/types.js';

export interface ServerComparison {
  precision: Precision;
  configuration: string;
  vm: CellSummary;
  baremetal: CellSummary;
  /** VM QPS found / bare-metal QPS found; null when the bare metal found none. */
  qps_ratio: number | null;
  /** The common offered rate (all instances of a side), queries/s; null when a side found none. */
  common_qps: number | null;
  vm_p99_ms: number | null;
  baremetal_p99_ms: number | null;
  /** VM p99 / bare-metal p99 at the common rate. */
  p99_ratio: number | null;
  /** How each p99 was obtained, in words. */
  how: string;
  /** True when a side is failed or flagged invalid. */
  fromInvalid: boolean;
}

/** p99 of a side at `qps`: its confirming run when that is the rate, else interpolated from probes. */
export function p99At(cell: CellSummary, qps: number): { p99: number | null; measured: boolean } {
  const s = cell.server;
  if (!s) return { p99: null, measured: false };
  if (s.qps_found === qps) return { p99: s.latency_ms?.p99 ?? null, measured: true };
  const probes = s.probes.filter((p): p is ServerProbe & { p99_ms: number } => p.p99_ms !== null).sort((a, b) => a.qps - b.qps);
  const exact = probes.find((p) => p.qps === qps);
  if (exact) return { p99: exact.p99_ms, measured: true };
  const above = probes.findIndex((p) => p.qps > qps);
  if (above <= 0) return { p99: null, measured: false };
  const lo = probes[above - 1] as ServerProbe & { p99_ms: number };
  const hi = probes[above] as ServerProbe & { p99_ms: number };
  return { p99: lo.p99_ms + ((hi.p99_ms - lo.p99_ms) * (qps - lo.qps)) / (hi.qps - lo.qps), measured: false };
}

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null => (a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b);

/** One comparison per (precision, configuration) that has both a VM and a bare-metal server cell. */
export function serverComparisons(cells: readonly CellSummary[]): ServerComparison[] {
  const out: ServerComparison[] = [];
  const server = cells.filter((c) => c.workload === 'server');
  for (const vm of server.filter((c) => c.target === 'vm')) {
    const bm = server.find((c) => c.target === 'baremetal' && c.precision === vm.precision && c.configuration === vm.configuration);
    if (!bm) continue;
    const ok = (c: CellSummary): boolean => c.status === 'completed' && c.server !== undefined;
    const qVm = ok(vm) ? (vm.server?.qps_found ?? 0) : 0;
    const qBm = ok(bm) ? (bm.server?.qps_found ?? 0) : 0;
    const common = qVm > 0 && qBm > 0 ? Math.min(qVm, qBm) : null;
    const a = common === null ? { p99: null, measured: false } : p99At(vm, common);
    const b = common === null ? { p99: null, measured: false } : p99At(bm, common);
    const word = (m: { p99: number | null; measured: boolean }): string => (m.p99 === null ? 'not available' : m.measured ? 'measured' : 'interpolated from the search probes');
    out.push({
      precision: vm.precision,
      configuration: vm.configuration,
      vm,
      baremetal: bm,
      qps_ratio: ok(vm) && ok(bm) ? ratio(qVm, qBm) : null,
      common_qps: common,
      vm_p99_ms: a.p99,
      baremetal_p99_ms: b.p99,
      p99_ratio: ratio(a.p99, b.p99),
      how: common === null ? 'no common rate: a side found no rate within the bound' : `VM p99 ${word(a)}, bare-metal p99 ${word(b)}`,
      fromInvalid: !vm.valid || !bm.valid,
    });
  }
  return out;
}

export interface OfflineComparison {
  precision: Precision;
  configuration: string;
  vm: CellSummary;
  baremetal: CellSummary;
  /** VM throughput / bare-metal throughput. */
  ratio: number | null;
  fromInvalid: boolean;
}

/** VM vs bare-metal offline throughput per (precision, configuration). */
export function offlineComparisons(cells: readonly CellSummary[]): OfflineComparison[] {
  const offline = cells.filter((c) => c.workload === 'offline');
  const out: OfflineComparison[] = [];
  for (const vm of offline.filter((c) => c.target === 'vm')) {
    const bm = offline.find((c) => c.target === 'baremetal' && c.precision === vm.precision && c.configuration === vm.configuration);
    if (!bm) continue;
    const done = vm.status === 'completed' && bm.status === 'completed';
    out.push({ precision: vm.precision, configuration: vm.configuration, vm, baremetal: bm, ratio: done ? ratio(vm.throughput_ips, bm.throughput_ips) : null, fromInvalid: !vm.valid || !bm.valid });
  }
  return out;
}

// The server scenario's tail latency of VM and bare metal at one offered rate (pure): the lower
// of the two rates found. At its own rate a side's p99 is its confirming runs' (pooled);
// otherwise it is interpolated linearly between the two search probes around the common rate
// (said so in `how`). Figures side by side, no ratio: the QPS verdict is a comparison record.
import type { CellSummary, ServerProbe } from '../results/types.js';

export interface CommonRateLatency {
  precision: string;
  configuration: string;
  vm: CellSummary;
  baremetal: CellSummary;
  /** The common offered rate (all instances of a side), queries/s; null when a side found none. */
  common_qps: number | null;
  vm_p99_ms: number | null;
  baremetal_p99_ms: number | null;
  /** How each p99 was obtained, in words. */
  how: string;
}

/** p99 of a side at `qps`: its confirming runs when that is the rate, else interpolated from probes. */
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

/** One entry per (precision, configuration) that has both a VM and a bare-metal server cell. */
export function serverLatencyAtCommonRate(cells: readonly CellSummary[]): CommonRateLatency[] {
  const out: CommonRateLatency[] = [];
  const server = cells.filter((c) => c.workload === 'server');
  for (const vm of server.filter((c) => c.target === 'vm')) {
    const bm = server.find((c) => c.target === 'baremetal' && c.precision === vm.precision && c.configuration === vm.configuration);
    if (!bm) continue;
    const found = (c: CellSummary): number => (c.status === 'completed' ? (c.server?.qps_found ?? 0) : 0);
    const common = found(vm) > 0 && found(bm) > 0 ? Math.min(found(vm), found(bm)) : null;
    const a = common === null ? { p99: null, measured: false } : p99At(vm, common);
    const b = common === null ? { p99: null, measured: false } : p99At(bm, common);
    const word = (m: { p99: number | null; measured: boolean }): string => (m.p99 === null ? 'not available' : m.measured ? 'measured' : 'interpolated from the search probes');
    out.push({
      precision: vm.precision,
      configuration: vm.configuration,
      vm,
      baremetal: bm,
      common_qps: common,
      vm_p99_ms: a.p99,
      baremetal_p99_ms: b.p99,
      how: common === null ? 'no common rate: a side found no rate within the bound' : `VM p99 ${word(a)}, bare-metal p99 ${word(b)}`,
    });
  }
  return out;
}

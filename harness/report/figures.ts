// The paper's figures computed from a run's cells: chart points, the numbers table beside
// each chart, and the headline ratios (VM vs bare metal, int8 vs fp32). Pure: no rendering.
import type { Precision } from '../../agent/protocol.js';
import type { CellSummary, RunSummary, ServerProbe, TargetKind, Workload } from '../results/types.js';
import { SERVER_TAIL_HEADERS, serverTailColumns } from './server-columns.js';
import { serverComparisons } from './serving-comparisons.js';
import { formatMeasure, formatPercent, formatRatio } from './format-number.js';

/** A plain table: header row and string cells, rendered as html, md or text. */
export interface TextTable {
  headers: string[];
  rows: string[][];
}

export type Better = 'lower' | 'higher';

/** bar: one bar per cell; line: cells over instance counts; curve: several points per cell over `x`. */
export type FigureChart = 'bar' | 'line' | 'curve';

export interface Metric {
  /** Field of the point the chart plots. */
  label: string;
  unit: string;
  better: Better;
}

/** One completed cell as a chart point. */
export interface FigurePoint {
  key: string;
  precision: Precision;
  target: TargetKind;
  /** `VM` or `bare metal`. */
  target_label: string;
  configuration: string;
  instances: number;
  batch: number;
  threads: number;
  /** Category on the x axis of bar charts (precision, plus configuration when several). */
  group: string;
  /** Line series of line charts, e.g. `VM int8`. */
  series: string;
  /** x of curve charts (server: offered QPS of a search probe). */
  x?: number;
  value: number;
  valid: boolean;
  /** Short text drawn on the mark (the value, or the batch found). */
  label: string;
}

export interface FigureRatio {
  /** What is compared, e.g. `VM overhead, fp32`. */
  label: string;
  value: number;
  /** Formatted, e.g. `+1.5%` or `2.18x`. */
  text: string;
  /** True when one of the two cells is flagged invalid. */
  fromInvalid: boolean;
}

export interface Figure {
  workload: Workload;
  title: string;
  /** Which figures of the study this reproduces. */
  paper: string;
  chart: FigureChart;
  metric: Metric;
  /** A horizontal reference line (server: the latency bound). */
  reference?: { value: number; label: string };
  /** Completed cells with a value, in a stable order. */
  points: FigurePoint[];
  /** Every cell of the workload, failed ones included. */
  table: TextTable;
  ratios: FigureRatio[];
  /** Cells of this workload in the run (0: the workload was not run). */
  cells: number;
  failed: number;
}

const targetLabels = { vm: 'VM', baremetal: 'bare metal' } as const satisfies Record<TargetKind, string>;

const latencyMetric: Metric = { label: 'mean latency (ms)', unit: 'ms', better: 'lower' };
const throughputMetric: Metric = { label: 'throughput (images/s)', unit: 'images/s', better: 'higher' };

interface FigureDef {
  title: string;
  paper: string;
  chart: FigureChart;
  metric: Metric;
  value(cell: CellSummary): number | null;
  /** Curve charts: the cell's points (x, value, label) instead of one value. */
  curve?(cell: CellSummary): { x: number; value: number; label: string }[];
  label(cell: CellSummary, value: number): string;
  headers: string[];
  row(cell: CellSummary): string[];
}

function status(cell: CellSummary): string {
  if (cell.status === 'failed') return `failed: ${cell.error ?? 'no reason recorded'}`;
  if (!cell.valid) return `invalid: ${cell.flags.join(', ') || 'no flag recorded'}`;
  return 'ok';
}

/** Open-loop cells: LoadGen's verdict with its reasons in words. */
function servingStatus(cell: CellSummary): string {
  const reasons = cell.server?.validity.reasons ?? cell.offline?.validity.reasons ?? [];
  if (cell.status !== 'completed' || reasons.length === 0) return status(cell);
  return `invalid: ${reasons.join('; ')}`;
}

const common = (cell: CellSummary): string[] => [cell.precision, targetLabels[cell.target], cell.configuration];

// One entry per workload, in the order of the paper's figures.
const figureDefs = {
  latency: {
    title: 'Single-image latency: fp32 vs int8, VM vs bare metal',
    paper: 'Figures 2-4',
    chart: 'bar',
    metric: latencyMetric,
    value: (cell) => cell.latency_ms?.mean ?? null,
    label: (_cell, value) => formatMeasure(value),
    headers: ['precision', 'target', 'config', 'batch', 'threads', 'mean ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'first ms', 'threads tried (ms)', 'status'],
    row: (cell) => [
      ...common(cell),
      String(cell.batch),
      String(cell.threads),
      formatMeasure(cell.latency_ms?.mean),
      formatMeasure(cell.latency_ms?.p50),
      formatMeasure(cell.latency_ms?.p90),
      formatMeasure(cell.latency_ms?.p99),
      formatMeasure(cell.latency_ms?.max),
      formatMeasure(cell.first_inference_ms),
      cell.thread_probes && cell.thread_probes.length > 0 ? cell.thread_probes.map((p) => `${p.threads}: ${formatMeasure(p.latency_ms)}`).join(', ') : '-',
      status(cell),
    ],
  },
  throughput: {
    title: 'Large-batch throughput',
    paper: 'Figure 5',
    chart: 'bar',
    metric: throughputMetric,
    value: (cell) => cell.throughput_ips,
    label: (_cell, value) => formatMeasure(value),
    headers: ['precision', 'target', 'config', 'instances', 'batch', 'threads', 'images/s', 'mean ms', 'skew ms', 'window s', 'status'],
    row: (cell) => [
      ...common(cell),
      String(cell.instances),
      String(cell.batch),
      String(cell.threads),
      formatMeasure(cell.throughput_ips),
      formatMeasure(cell.latency_ms?.mean),
      formatMeasure(cell.start_skew_ms),
      formatMeasure(cell.window_s),
      status(cell),
    ],
  },
  scaling: {
    title: 'Throughput scaling over instances: VMs vs bare metal',
    paper: 'Figure 6',
    chart: 'line',
    metric: throughputMetric,
    value: (cell) => cell.throughput_ips,
    label: (_cell, value) => formatMeasure(value),
    headers: ['precision', 'target', 'config', 'instances', 'threads', 'images/s', 'images/s per instance', 'mean ms', 'skew ms', 'window s', 'status'],
    row: (cell) => [
      ...common(cell),
      String(cell.instances),
      String(cell.threads),
      formatMeasure(cell.throughput_ips),
      formatMeasure(cell.throughput_ips === null ? null : cell.throughput_ips / Math.max(1, cell.instances)),
      formatMeasure(cell.latency_ms?.mean),
      formatMeasure(cell.start_skew_ms),
      formatMeasure(cell.window_s),
      status(cell),
    ],
  },
  multistream: {
    title: 'Multistream throughput within the latency bound (batch found on the bars)',
    paper: 'Figure 7',
    chart: 'bar',
    metric: throughputMetric,
    value: (cell) => cell.throughput_ips,
    label: (cell) => `batch ${cell.multistream?.batch_found ?? cell.batch}`,
    headers: ['precision', 'target', 'config', 'instances', 'batch found', 'images/s', 'bound', 'mean ms', 'p99 ms', 'probes', 'status'],
    row: (cell) => [
      ...common(cell),
      String(cell.instances),
      String(cell.multistream?.batch_found ?? cell.batch),
      formatMeasure(cell.throughput_ips),
      cell.multistream ? `${cell.multistream.statistic} <= ${formatMeasure(cell.multistream.bound_ms)} ms` : '-',
      formatMeasure(cell.latency_ms?.mean),
      formatMeasure(cell.latency_ms?.p99),
      cell.multistream ? String(cell.multistream.probes.length) : '-',
      status(cell),
    ],
  },
  server: {
    title: 'Beyond the study, Server scenario: p99 latency vs offered QPS (the QPS search probes)',
    paper: 'Extension (MLPerf Server)',
    chart: 'curve',
    metric: { label: 'p99 latency (ms), queueing included', unit: 'ms', better: 'lower' },
    value: (cell) => cell.server?.qps_found ?? null,
    curve: (cell) =>
      (cell.server?.probes ?? [])
        .filter((p): p is ServerProbe & { p99_ms: number } => p.p99_ms !== null)
        .sort((a, b) => a.qps - b.qps)
        .map((p) => ({ x: p.qps, value: p.p99_ms, label: formatMeasure(p.p99_ms) })),
    label: (_cell, value) => formatMeasure(value),
    headers: ['precision', 'target', 'config', 'instances', 'QPS found', 'closed-loop QPS', ...SERVER_TAIL_HEADERS, 'sessions x max batch', 'probes', 'status'],
    row: (cell) => {
      const s = cell.server;
      return [
        ...common(cell),
        String(cell.instances),
        formatMeasure(s?.qps_found),
        formatMeasure(s?.closed_loop_qps),
        ...serverTailColumns(s),
        s ? `${s.concurrency} x ${s.max_batch}${s.max_batch > 1 ? ` (wait <= ${s.max_queue_delay_ms} ms)` : ''}` : '-',
        s ? String(s.probes.length) : '-',
        servingStatus(cell),
      ];
    },
  },
  offline: {
    title: 'Beyond the study, Offline scenario: throughput with every query available at the start',
    paper: 'Extension (MLPerf Offline)',
    chart: 'bar',
    metric: throughputMetric,
    value: (cell) => cell.throughput_ips,
    label: (_cell, value) => formatMeasure(value),
    headers: ['precision', 'target', 'config', 'instances', 'max batch', 'sessions', 'queries', 'mean batch', 'images/s', 'duration s', 'status'],
    row: (cell) => [
      ...common(cell),
      String(cell.instances),
      String(cell.offline?.max_batch ?? cell.batch),
      String(cell.offline?.concurrency ?? '-'),
      cell.offline ? String(cell.offline.queries) : '-',
      formatMeasure(cell.offline?.mean_batch),
      formatMeasure(cell.throughput_ips),
      formatMeasure(cell.offline?.duration_s),
      servingStatus(cell),
    ],
  },
} as const satisfies Record<Workload, FigureDef>;

/** The workloads in figure order. */
export const workloadOrder = Object.keys(figureDefs) as Workload[];

const precisionRank = { fp32: 0, int8: 1 } as const satisfies Record<Precision, number>;
const targetRank = { vm: 0, baremetal: 1 } as const satisfies Record<TargetKind, number>;

function compareCells(a: CellSummary, b: CellSummary): number {
  return (
    precisionRank[a.precision] - precisionRank[b.precision] ||
    targetRank[a.target] - targetRank[b.target] ||
    a.instances - b.instances ||
    a.configuration.localeCompare(b.configuration, 'en', { numeric: true })
  );
}

function ratio(label: string, value: number, a: FigurePoint, b: FigurePoint, asOverhead: boolean): FigureRatio {
  return { label, value, text: asOverhead ? formatPercent((value - 1) * 100) : formatRatio(value), fromInvalid: !a.valid || !b.valid };
}

function onlyOne<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

/** VM vs bare metal per precision (and per instance count for scaling), int8 vs fp32 per target. */
function figureRatios(workload: Workload, metric: Metric, points: FigurePoint[], cells: CellSummary[]): FigureRatio[] {
  if (workload === 'server') return serverRatios(cells);
  const ratios: FigureRatio[] = [];
  const lowerIsBetter = metric.better === 'lower';
  const sub = (pts: FigurePoint[]) => ({
    vm: pts.filter((p) => p.target === 'vm'),
    bm: pts.filter((p) => p.target === 'baremetal'),
  });
  const precisions: Precision[] = ['fp32', 'int8'];
  // VM vs bare metal
  for (const precision of precisions) {
    const ofPrecision = points.filter((p) => p.precision === precision);
    const pairs: [FigurePoint, FigurePoint, string][] = [];
    if (workload === 'scaling') {
      const counts = [...new Set(ofPrecision.map((p) => p.instances))].sort((x, y) => x - y);
      for (const n of counts) {
        const { vm, bm } = sub(ofPrecision.filter((p) => p.instances === n));
        const v = onlyOne(vm);
        const b = onlyOne(bm);
        if (v && b) pairs.push([v, b, `${precision}, ${n} instance${n === 1 ? '' : 's'}`]);
      }
    } else {
      const { vm, bm } = sub(ofPrecision);
      const v = onlyOne(vm);
      const b = onlyOne(bm);
      if (v && b) pairs.push([v, b, precision]);
    }
    for (const [v, b, what] of pairs) {
      if (lowerIsBetter) ratios.push(ratio(`VM overhead vs bare metal, ${what}`, v.value / b.value, v, b, true));
      else ratios.push(ratio(`VM / bare metal, ${what}`, v.value / b.value, v, b, false));
    }
  }
  // int8 vs fp32 per target (scaling: at the largest instance count both precisions reached)
  for (const target of ['vm', 'baremetal'] as const) {
    let ofTarget = points.filter((p) => p.target === target);
    if (workload === 'scaling') {
      const both = [...new Set(ofTarget.map((p) => p.instances))].filter((n) => ofTarget.some((p) => p.instances === n && p.precision === 'fp32') && ofTarget.some((p) => p.instances === n && p.precision === 'int8'));
      const most = Math.max(...both);
      ofTarget = ofTarget.filter((p) => p.instances === most);
    }
    const fp32 = onlyOne(ofTarget.filter((p) => p.precision === 'fp32'));
    const int8 = onlyOne(ofTarget.filter((p) => p.precision === 'int8'));
    if (!fp32 || !int8) continue;
    const speedup = lowerIsBetter ? fp32.value / int8.value : int8.value / fp32.value;
    const where = workload === 'scaling' ? `${targetLabels[target]}, ${fp32.instances} instance${fp32.instances === 1 ? '' : 's'}` : targetLabels[target];
    ratios.push(ratio(`int8 speedup over fp32, ${where}`, speedup, int8, fp32, false));
  }
  return ratios;
}

/** Server: VM / bare metal of the QPS found, and the VM's p99 overhead at a common rate. */
function serverRatios(cells: CellSummary[]): FigureRatio[] {
  const out: FigureRatio[] = [];
  for (const k of serverComparisons(cells)) {
    if (k.qps_ratio !== null) out.push({ label: `VM / bare metal QPS within the bound, ${k.precision}`, value: k.qps_ratio, text: formatRatio(k.qps_ratio), fromInvalid: k.fromInvalid });
    if (k.p99_ratio !== null && k.common_qps !== null) {
      out.push({
        label: `VM p99 overhead vs bare metal at ${formatMeasure(k.common_qps)} QPS, ${k.precision} (${k.how})`,
        value: k.p99_ratio,
        text: formatPercent((k.p99_ratio - 1) * 100),
        fromInvalid: k.fromInvalid,
      });
    }
  }
  return out;
}

/** Builds the figure of one workload from a run's cells. */
export function buildFigure(workload: Workload, cells: CellSummary[]): Figure {
  const def: FigureDef = figureDefs[workload];
  const own = cells.filter((c) => c.workload === workload).sort(compareCells);
  const configurations = new Set(own.map((c) => c.configuration));
  const points: FigurePoint[] = [];
  for (const cell of own) {
    if (cell.status !== 'completed') continue;
    const value = def.value(cell);
    if (value === null || !Number.isFinite(value)) continue;
    const base = {
      key: cell.key,
      precision: cell.precision,
      target: cell.target,
      target_label: targetLabels[cell.target],
      configuration: cell.configuration,
      instances: cell.instances,
      batch: cell.batch,
      threads: cell.threads,
      group: cell.precision,
      series: `${targetLabels[cell.target]} ${cell.precision}`,
      valid: cell.valid,
    };
    if (def.curve) {
      for (const p of def.curve(cell)) points.push({ ...base, x: p.x, value: p.value, label: p.label });
      continue;
    }
    points.push({
      key: cell.key,
      precision: cell.precision,
      target: cell.target,
      target_label: targetLabels[cell.target],
      configuration: cell.configuration,
      instances: cell.instances,
      batch: cell.batch,
      threads: cell.threads,
      group: configurations.size > 1 && def.chart === 'bar' ? `${cell.precision} ${cell.configuration}` : cell.precision,
      series: `${targetLabels[cell.target]} ${cell.precision}`,
      value,
      valid: cell.valid,
      label: def.label(cell, value),
    });
  }
  const bound = own.find((c) => c.server)?.server?.bound_ms;
  return {
    ...(workload === 'server' && bound !== undefined ? { reference: { value: bound, label: `bound ${formatMeasure(bound)} ms` } } : {}),
    workload,
    title: def.title,
    paper: def.paper,
    chart: def.chart,
    metric: def.metric,
    points,
    table: { headers: [...def.headers], rows: own.map((c) => def.row(c)) },
    ratios: figureRatios(workload, def.metric, points, own),
    cells: own.length,
    failed: own.filter((c) => c.status === 'failed').length,
  };
}

/** The figures of a run in the paper's order (the study's empty ones included, marked by `cells`), then the scenarios beyond the study that ran. */
export function buildFigures(summary: RunSummary): Figure[] {
  // The study's four always (empty ones say so); the scenarios beyond it only when run.
  const extension: readonly Workload[] = ['server', 'offline'];
  return workloadOrder.filter((w) => !extension.includes(w) || summary.cells.some((c) => c.workload === w)).map((w) => buildFigure(w, summary.cells));
}

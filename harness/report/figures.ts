// The paper's figures from a run's cells: chart points with their 95% intervals, the numbers
// table beside each chart, and the comparisons of the workload as read from
// summary.comparisons (no ratio is computed here). Pure: no rendering.
import { TARGET_LABELS, WORKLOAD_METRIC, WORKLOADS, type MetricDef, type Precision, type TargetKind, type Workload } from '../core/vocabulary.js';
import type { CellSummary, CompletedCell, Comparison, RunSummary, ServerProbe, Verdict } from '../results/types.js';
import { formatMeasure } from './format-number.js';
import { SERVER_TAIL_HEADERS, serverTailColumns } from './server-columns.js';
import { cellStateText, isEmphasized } from './verdict-text.js';

/** A plain table: header row and string cells, rendered as html, md or text. */
export interface TextTable {
  headers: string[];
  rows: string[][];
}

/** bar: one bar per cell; line: cells over instance counts; curve: several points per cell over `x`. */
export type FigureChart = 'bar' | 'line' | 'curve';

/** What the chart's y axis shows. */
export type FigureMetric = Pick<MetricDef, 'better' | 'label' | 'unit'>;

/** One completed cell as a chart point (curve charts: one of its probes). */
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
  value: number;
  valid: boolean;
  /** Ends of the 95% CI of the mean over trials (the mean itself without an interval). */
  low: number;
  high: number;
  /** Trials the value is the mean of. */
  trials: number;
  /** Short text drawn on the mark (the value, or the batch found). */
  label: string;
  /** x of curve charts (server: offered QPS of a search probe). */
  x?: number;
}

/** One comparison of the figure's workload, as text. */
export interface FigureRatio {
  /** What is compared, e.g. `VM vs bare metal, fp32`. */
  label: string;
  verdict: Verdict;
  /** The verdict in words, from the comparison record. */
  text: string;
  /** Only faster/slower are emphasized. */
  emphasized: boolean;
  /** A caveat (local CPU partitions). */
  note?: string;
}

export interface Figure {
  workload: Workload;
  title: string;
  /** Which figures of the study this reproduces. */
  paper: string;
  chart: FigureChart;
  metric: FigureMetric;
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

interface FigureDef {
  title: string;
  paper: string;
  chart: FigureChart;
  /** The y axis when it is not the workload's metric (curve charts). */
  metric?: FigureMetric;
  /** Curve charts: the cell's points (x, value, label; single runs, no interval) instead of its estimate. */
  curve?(cell: CellSummary): { x: number; value: number; label: string }[];
  label(cell: CompletedCell, value: number): string;
  headers: string[];
  row(cell: CellSummary): string[];
}

const common = (cell: CellSummary): string[] => [cell.precision, TARGET_LABELS[cell.target], cell.configuration];
const done = (cell: CellSummary): CompletedCell | undefined => (cell.status === 'completed' ? cell : undefined);
const est = (e: { mean: number; ci95: [number, number] | null } | undefined): string => (e ? (e.ci95 ? `${formatMeasure(e.mean)} (${formatMeasure(e.ci95[0])} to ${formatMeasure(e.ci95[1])})` : formatMeasure(e.mean)) : '-');
const cv = (v: number | undefined): string => (v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);
const trials = (cell: CellSummary): string => `${cell.trials.filter((t) => t.status === 'completed').length}/${cell.repeats}`;

// One entry per workload, in the order of the paper's figures.
const figureDefs = {
  latency: {
    title: 'Single-image latency: fp32 vs int8, VM vs bare metal',
    paper: "the study's Figures 2-4",
    chart: 'bar',
    label: (_cell, value) => formatMeasure(value),
    headers: ['precision', 'target', 'config', 'batch', 'threads', 'trials', 'mean ms (95% CI)', 'CV', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'first ms', 'threads tried (ms)', 'status'],
    row: (cell) => [
      ...common(cell),
      String(cell.batch),
      String(cell.threads),
      trials(cell),
      est(done(cell)?.latency_mean_ms),
      cv(done(cell)?.latency_mean_ms.cv),
      formatMeasure(done(cell)?.latency_ms.p50),
      formatMeasure(done(cell)?.latency_ms.p90),
      formatMeasure(done(cell)?.latency_ms.p99),
      formatMeasure(done(cell)?.latency_ms.max),
      formatMeasure(done(cell)?.first_inference_ms),
      cell.thread_probes && cell.thread_probes.length > 0 ? cell.thread_probes.map((p) => `${p.threads}: ${formatMeasure(p.latency_ms)}`).join(', ') : '-',
      cellStateText(cell),
    ],
  },
  throughput: {
    title: 'Large-batch throughput',
    paper: "the study's Figure 5",
    chart: 'bar',
    label: (_cell, value) => formatMeasure(value),
    headers: ['precision', 'target', 'config', 'instances', 'batch', 'threads', 'trials', 'images/s (95% CI)', 'CV', 'mean ms', 'skew ms', 'window s', 'status'],
    row: (cell) => [
      ...common(cell),
      String(cell.instances),
      String(cell.batch),
      String(cell.threads),
      trials(cell),
      est(done(cell)?.throughput_ips),
      cv(done(cell)?.throughput_ips.cv),
      formatMeasure(done(cell)?.latency_ms.mean),
      formatMeasure(done(cell)?.start_skew_ms),
      formatMeasure(done(cell)?.window_s),
      cellStateText(cell),
    ],
  },
  scaling: {
    title: 'Throughput scaling over instances: VMs vs bare metal',
    paper: "the study's Figure 6",
    chart: 'line',
    label: (_cell, value) => formatMeasure(value),
    headers: ['precision', 'target', 'config', 'instances', 'threads', 'trials', 'images/s (95% CI)', 'CV', 'images/s per instance', 'mean ms', 'skew ms', 'window s', 'status'],
    row: (cell) => [
      ...common(cell),
      String(cell.instances),
      String(cell.threads),
      trials(cell),
      est(done(cell)?.throughput_ips),
      cv(done(cell)?.throughput_ips.cv),
      formatMeasure(cell.status === 'completed' && cell.per_instance.length > 0 ? cell.per_instance.reduce((s, i) => s + i.throughput_ips, 0) / cell.per_instance.length : null),
      formatMeasure(done(cell)?.latency_ms.mean),
      formatMeasure(done(cell)?.start_skew_ms),
      formatMeasure(done(cell)?.window_s),
      cellStateText(cell),
    ],
  },
  multistream: {
    title: 'Multistream throughput within the latency bound (each bar is labelled with the largest batch that stayed within it)',
    paper: "the study's Figure 7",
    chart: 'bar',
    label: (cell) => `batch ${cell.multistream?.batch_found ?? cell.batch}`,
    headers: ['precision', 'target', 'config', 'instances', 'batch found', 'trials', 'images/s (95% CI)', 'CV', 'bound', 'mean ms', 'p99 ms', 'probes', 'status'],
    row: (cell) => [
      ...common(cell),
      String(cell.instances),
      String(cell.multistream?.batch_found ?? cell.batch),
      trials(cell),
      est(done(cell)?.throughput_ips),
      cv(done(cell)?.throughput_ips.cv),
      cell.multistream ? `${cell.multistream.statistic} <= ${formatMeasure(cell.multistream.bound_ms)} ms` : '-',
      formatMeasure(done(cell)?.latency_ms.mean),
      formatMeasure(done(cell)?.latency_ms.p99),
      cell.multistream ? String(cell.multistream.probes.length) : '-',
      cellStateText(cell),
    ],
  },
  server: {
    title: 'Beyond the study, Server scenario: p99 latency vs offered QPS (the QPS search probes)',
    paper: 'Extension (MLPerf Server)',
    chart: 'curve',
    metric: { label: 'p99 latency (ms), queueing included', unit: 'ms', better: 'lower' },
    curve: (cell) =>
      (cell.server?.probes ?? [])
        .filter((p): p is ServerProbe & { p99_ms: number } => p.p99_ms !== null)
        .sort((a, b) => a.qps - b.qps)
        .map((p) => ({ x: p.qps, value: p.p99_ms, label: formatMeasure(p.p99_ms) })),
    label: (_cell, value) => formatMeasure(value),
    headers: ['precision', 'target', 'config', 'instances', 'QPS found', 'closed-loop QPS', 'trials', 'served QPS (95% CI)', ...SERVER_TAIL_HEADERS, 'sessions x max batch', 'probes', 'status'],
    row: (cell) => {
      const s = cell.server;
      return [
        ...common(cell),
        String(cell.instances),
        formatMeasure(s?.qps_found),
        formatMeasure(s?.closed_loop_qps),
        trials(cell),
        est(done(cell)?.throughput_ips),
        ...serverTailColumns(s),
        s ? `${s.concurrency} x ${s.max_batch}${s.max_batch > 1 ? ` (wait <= ${s.max_queue_delay_ms} ms)` : ''}` : '-',
        s ? String(s.probes.length) : '-',
        cellStateText(cell),
      ];
    },
  },
  offline: {
    title: 'Beyond the study, Offline scenario: throughput with every query available at the start',
    paper: 'Extension (MLPerf Offline)',
    chart: 'bar',
    label: (_cell, value) => formatMeasure(value),
    headers: ['precision', 'target', 'config', 'instances', 'max batch', 'sessions', 'queries', 'mean batch', 'trials', 'images/s (95% CI)', 'CV', 'status'],
    row: (cell) => [
      ...common(cell),
      String(cell.instances),
      String(cell.offline?.max_batch ?? cell.batch),
      String(cell.offline?.concurrency ?? '-'),
      cell.offline ? String(cell.offline.queries) : '-',
      formatMeasure(cell.offline?.mean_batch),
      trials(cell),
      est(done(cell)?.throughput_ips),
      cv(done(cell)?.throughput_ips.cv),
      cellStateText(cell),
    ],
  },
} as const satisfies Record<Workload, FigureDef>;

/** The workloads in figure order. */
export const workloadOrder: readonly Workload[] = WORKLOADS;

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

/** What a comparison of this figure compares, for its label. */
function ratioLabel(c: Comparison): string {
  const inst = (n: number): string => `${n} instance${n === 1 ? '' : 's'}`;
  switch (c.kind) {
    case 'vm_vs_baremetal':
      return `VM vs bare metal, ${c.precision}${c.workload === 'scaling' ? `, ${inst(c.instances)}` : ''}`;
    case 'int8_vs_fp32':
      return `int8 vs fp32, ${c.target}${c.workload === 'scaling' ? `, ${inst(c.instances)}` : ''}`;
    case 'scaling':
      return `scaling, ${c.precision} ${c.target}, ${inst(c.instances)}`;
    case 'run_b_vs_run_a':
      return `B vs A, ${c.precision} ${c.target}`;
  }
}

/** The comparison records of a workload as figure ratios. */
export function figureRatios(workload: Workload, comparisons: readonly Comparison[]): FigureRatio[] {
  return comparisons
    .filter((c) => c.workload === workload)
    .map((c) => {
      const r: FigureRatio = { label: ratioLabel(c), verdict: c.verdict, text: c.reason, emphasized: isEmphasized(c) };
      if (c.note !== undefined) r.note = c.note;
      return r;
    });
}

/** Builds the figure of one workload from a run's cells and comparisons. */
export function buildFigure(workload: Workload, cells: readonly CellSummary[], comparisons: readonly Comparison[] = []): Figure {
  const def: FigureDef = figureDefs[workload];
  const metric = WORKLOAD_METRIC[workload];
  const own = cells.filter((c) => c.workload === workload).sort(compareCells);
  const configurations = new Set(own.map((c) => c.configuration));
  const points: FigurePoint[] = [];
  for (const cell of own) {
    if (cell.status !== 'completed') continue;
    const e = cell[metric.name];
    if (!Number.isFinite(e.mean)) continue;
    const base = {
      key: cell.key,
      precision: cell.precision,
      target: cell.target,
      target_label: TARGET_LABELS[cell.target],
      configuration: cell.configuration,
      instances: cell.instances,
      batch: cell.batch,
      threads: cell.threads,
      group: configurations.size > 1 && def.chart === 'bar' ? `${cell.precision} ${cell.configuration}` : cell.precision,
      series: `${TARGET_LABELS[cell.target]} ${cell.precision}`,
      valid: cell.validity === 'valid',
    };
    if (def.curve) {
      // Each probe is one run: no interval.
      for (const p of def.curve(cell)) points.push({ ...base, x: p.x, value: p.value, low: p.value, high: p.value, trials: 1, label: p.label });
      continue;
    }
    points.push({ ...base, value: e.mean, low: e.ci95?.[0] ?? e.mean, high: e.ci95?.[1] ?? e.mean, trials: e.n, label: def.label(cell, e.mean) });
  }
  const bound = own.find((c) => c.server)?.server?.bound_ms;
  return {
    workload,
    title: def.title,
    paper: def.paper,
    chart: def.chart,
    metric: def.metric ?? metric,
    ...(bound !== undefined ? { reference: { value: bound, label: `bound ${formatMeasure(bound)} ms` } } : {}),
    points,
    table: { headers: [...def.headers], rows: own.map((c) => def.row(c)) },
    ratios: figureRatios(workload, comparisons),
    cells: own.length,
    failed: own.filter((c) => c.status === 'failed').length,
  };
}

/** The figures of a run in the paper's order (the study's empty ones included, marked by `cells`), then the scenarios beyond the study that ran. */
export function buildFigures(summary: RunSummary): Figure[] {
  const extension: readonly Workload[] = ['server', 'offline'];
  return workloadOrder
    .filter((w) => !extension.includes(w) || summary.cells.some((c) => c.workload === w))
    .map((w) => buildFigure(w, summary.cells, summary.comparisons));
}


// Every ratio vharness shows, computed here and nowhere else: VM vs bare metal (per workload,
// precision, configuration or instance count), int8 vs fp32, scaling over instances, and run B
// vs run A for `compare`. Each gets Fieller's 95% interval over the trial values and a verdict.
// The metric and its direction come from core/vocabulary (WORKLOAD_METRIC).
import { TARGET_LABELS, WORKLOAD_METRIC, type MetricDef } from '../core/vocabulary.js';
import { fiellerRatio } from './statistics.js';
import type { CellSummary, Comparison, ComparisonKind, CompletedCell, Interval } from './types.js';

export interface ComparisonOptions {
  /** Equivalence margin: a ratio whose interval lies within 1 +- margin is no_difference. @default 0.01 */
  margin?: number;
  /** Caveat attached to every VM vs bare metal comparison (e.g. local CPU partitions). */
  vmNote?: string;
}

export const DEFAULT_MARGIN = 0.01;

/** The note for runs whose `vm` cells the local provider served. */
export const LOCAL_VM_NOTE = 'local provider: these "VMs" are CPU partitions of one machine (partitioning and pinning effects, not hypervisor overhead)';

/** How cells pair up across targets and precisions: scaling by instance count, others by configuration. */
export function pairKey(cell: Pick<CellSummary, 'workload' | 'instances' | 'configuration'>): string {
  return cell.workload === 'scaling' ? `n${cell.instances}` : cell.configuration;
}

/** What is compared, for the words of the verdict. */
export interface Sides {
  kind: ComparisonKind;
  aLabel: string;
  bLabel: string;
  precision: string;
  target: string;
}

function metricValues(cell: CompletedCell, metric: MetricDef): number[] {
  return cell.trials.map((t) => t[metric.name]);
}

const signed = (v: number): string => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

interface Words {
  reason: string;
  headline: string;
  ci_text: string;
}

/** The words of a decided verdict: `4.1% slower` (or `3.12x faster` for large factors) with the CI. */
function decidedWords(verdict: 'faster' | 'slower' | 'no_difference', speed: number, speedCi: Interval, s: Sides, margin: number): Words {
  const ciSigned = `95% CI ${signed(speedCi[0] - 1)} to ${signed(speedCi[1] - 1)}`;
  if (verdict === 'no_difference') {
    return { headline: 'no significant difference', ci_text: ciSigned, reason: `no significant difference: ${s.aLabel} within ±${(margin * 100).toFixed(1)}% of ${s.bLabel} (${ciSigned})` };
  }
  const factor = verdict === 'faster' ? speed : 1 / speed;
  if (factor >= 1.5) {
    const [lo, hi] = verdict === 'faster' ? speedCi : [1 / speedCi[1], 1 / speedCi[0]];
    const headline = `${factor.toFixed(2)}x ${verdict}`;
    const ci = `95% CI ${lo.toFixed(2)}-${hi.toFixed(2)}x`;
    return { headline, ci_text: ci, reason: `${s.aLabel} is ${headline} than ${s.bLabel} (${ci})` };
  }
  const mag = (v: number): number => Math.abs(v - 1) * 100;
  const lo = Math.min(mag(speedCi[0]), mag(speedCi[1]));
  const hi = Math.max(mag(speedCi[0]), mag(speedCi[1]));
  const headline = `${mag(speed).toFixed(1)}% ${verdict}`;
  const ci = `95% CI ${lo.toFixed(1)}-${hi.toFixed(1)}%`;
  return { headline, ci_text: ci, reason: `${s.aLabel} is ${headline} than ${s.bLabel} (${ci})` };
}

function inconclusive(reason: string, ci_text = ''): Words {
  return { headline: 'inconclusive', ci_text, reason: `inconclusive: ${reason}` };
}

// The first reason in full, the others counted: the cell's own record lists them all.
function firstReason(reasons: readonly string[]): string {
  return reasons.length <= 1 ? (reasons[0] ?? 'no reason recorded') : `${reasons[0] ?? ''}; and ${reasons.length - 1} more`;
}

function sideProblem(cell: CellSummary, label: string): string | undefined {
  if (cell.status === 'failed') return `the ${label} cell failed (${cell.error})`;
  if (cell.validity === 'invalid') return `the ${label} cell is invalid (${firstReason(cell.reasons)})`;
  if (cell.validity === 'noisy') return `the ${label} cell is noisy (${firstReason(cell.reasons)})`;
  return undefined;
}

/**
 * One comparison of cell a against cell b on the workload's metric: ratio a/b, Fieller's 95%
 * interval (paired when both sides have the same number of interleaved trials) and the verdict.
 */
export function compareCells(a: CellSummary, b: CellSummary, sides: Sides, options: ComparisonOptions & { paired: boolean }): Comparison {
  // The server's QPS found is only as fine as its search: a difference within its tolerance is none.
  const resolution = Math.max(a.server?.tolerance ?? 0, b.server?.tolerance ?? 0);
  const margin = Math.max(options.margin ?? DEFAULT_MARGIN, resolution);
  const metric = WORKLOAD_METRIC[a.workload];
  const notes = [
    ...(options.vmNote !== undefined && sides.kind === 'vm_vs_baremetal' ? [options.vmNote] : []),
    ...(resolution > 0 ? [`the QPS found is resolved to ±${(resolution * 100).toFixed(0)}% by the search, so the equivalence margin is ±${(margin * 100).toFixed(0)}%; the interval covers the trials at the rates found`] : []),
  ];
  const base = {
    kind: sides.kind,
    workload: a.workload,
    precision: sides.precision,
    target: sides.target,
    configuration: a.configuration,
    instances: a.instances,
    a: a.key,
    b: b.key,
    metric: metric.name,
    better: metric.better,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
  if (a.status === 'failed' || b.status === 'failed') {
    return { ...base, verdict: 'inconclusive', ratio: null, ci95: null, ...inconclusive(sideProblem(a, sides.aLabel) ?? sideProblem(b, sides.bLabel) ?? '') };
  }
  const av = metricValues(a, metric);
  const bv = metricValues(b, metric);
  const paired = options.paired && av.length === bv.length;
  const fit = fiellerRatio(av, bv, paired);
  const ratio = fit.ratio;
  const problem = sideProblem(a, sides.aLabel) ?? sideProblem(b, sides.bLabel);
  if (fit.kind === 'unbounded') return { ...base, verdict: 'inconclusive', ratio, ci95: null, ...inconclusive(problem ?? `no interval (${fit.why})`) };
  const ci = fit.ci95;
  // Speed-oriented: > 1 means a is better than b, whatever the metric's direction.
  const speed = metric.better === 'higher' ? ratio : 1 / ratio;
  const speedCi: Interval = metric.better === 'higher' ? ci : [1 / ci[1], 1 / ci[0]];
  const ciSigned = `95% CI ${signed(speedCi[0] - 1)} to ${signed(speedCi[1] - 1)}`;
  if (problem) return { ...base, verdict: 'inconclusive', ratio, ci95: ci, ...inconclusive(problem, ciSigned) };
  const verdict = speedCi[0] >= 1 - margin && speedCi[1] <= 1 + margin ? 'no_difference' : speedCi[0] > 1 ? 'faster' : speedCi[1] < 1 ? 'slower' : undefined;
  if (verdict === undefined) {
    return { ...base, verdict: 'inconclusive', ratio, ci95: ci, ...inconclusive(`interval too wide (${ciSigned} includes both no change and more than ±${(margin * 100).toFixed(1)}%)`, ciSigned) };
  }
  return { ...base, verdict, ratio, ci95: ci, ...decidedWords(verdict, speed, speedCi, sides, margin) };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}

/** Every comparison inside one run: VM vs bare metal, int8 vs fp32, scaling over instances. */
export function runComparisons(cells: readonly CellSummary[], options: ComparisonOptions = {}): Comparison[] {
  const out: Comparison[] = [];
  // Cells of one group had their trials interleaved: paired.
  for (const group of groupBy(cells, (c) => `${c.workload}|${pairKey(c)}`).values()) {
    for (const [precision, ofPrecision] of groupBy(group, (c) => c.precision)) {
      const vm = ofPrecision.find((c) => c.target === 'vm');
      const bm = ofPrecision.find((c) => c.target === 'baremetal');
      if (vm && bm) out.push(compareCells(vm, bm, { kind: 'vm_vs_baremetal', aLabel: TARGET_LABELS.vm, bLabel: TARGET_LABELS.baremetal, precision, target: 'VM vs bare metal' }, { ...options, paired: true }));
    }
    for (const [target, ofTarget] of groupBy(group, (c) => c.target)) {
      const int8 = ofTarget.find((c) => c.precision === 'int8');
      const fp32 = ofTarget.find((c) => c.precision === 'fp32');
      if (int8 && fp32) out.push(compareCells(int8, fp32, { kind: 'int8_vs_fp32', aLabel: 'int8', bLabel: 'fp32', precision: 'int8 vs fp32', target: TARGET_LABELS[target as keyof typeof TARGET_LABELS] }, { ...options, paired: true }));
    }
  }
  // Scaling: each instance count against the smallest, per precision and target (not interleaved).
  const scaling = cells.filter((c) => c.workload === 'scaling');
  for (const series of groupBy(scaling, (c) => `${c.precision}|${c.target}`).values()) {
    const sorted = [...series].sort((x, y) => x.instances - y.instances);
    const first = sorted[0];
    if (!first) continue;
    const plural = (n: number): string => `${n} instance${n === 1 ? '' : 's'}`;
    for (const cell of sorted.slice(1)) {
      out.push(compareCells(cell, first, { kind: 'scaling', aLabel: plural(cell.instances), bLabel: plural(first.instances), precision: cell.precision, target: TARGET_LABELS[cell.target] }, { ...options, paired: false }));
    }
  }
  return out;
}

// The domain vocabulary in one place: precisions, workloads, targets (as const lists with
// their types derived), and each workload's headline metric with the direction that is better.
// A new workload kind plugs in here: add it to WORKLOADS and give it a metric below.
import type { Precision as AgentPrecision } from '../../agent/protocol.js';

export const PRECISIONS = ['fp32', 'int8'] as const satisfies readonly AgentPrecision[];
export type Precision = (typeof PRECISIONS)[number];

/** The study's four workloads, then two MLPerf-style scenarios beyond it (open-loop server, offline). */
export const WORKLOADS = ['latency', 'throughput', 'scaling', 'multistream', 'server', 'offline'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** `vm`: a VM (or the local provider's CPU partition); `baremetal`: the unpartitioned host. */
export const TARGETS = ['vm', 'baremetal'] as const;
export type TargetKind = (typeof TARGETS)[number];

export const TARGET_LABELS = { vm: 'VM', baremetal: 'bare metal' } as const satisfies Record<TargetKind, string>;

/** Which way a metric improves. */
export type Better = 'lower' | 'higher';

/** The per-trial figures a cell's headline can be; each trial records both. */
export const METRIC_NAMES = ['throughput_ips', 'latency_mean_ms'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricDef {
  name: MetricName;
  better: Better;
  /** Axis and column label, e.g. `mean latency (ms)`. */
  label: string;
  unit: string;
}

export const METRICS = {
  throughput_ips: { name: 'throughput_ips', better: 'higher', label: 'throughput (images/s)', unit: 'images/s' },
  latency_mean_ms: { name: 'latency_mean_ms', better: 'lower', label: 'mean latency (ms)', unit: 'ms' },
} as const satisfies Record<MetricName, MetricDef>;

/** The headline metric of each workload: what its comparisons and charts use. */
export const WORKLOAD_METRIC = {
  latency: METRICS.latency_mean_ms,
  throughput: METRICS.throughput_ips,
  scaling: METRICS.throughput_ips,
  multistream: METRICS.throughput_ips,
  // Completed queries per second: at the rate found within the bound (server), all at once (offline).
  server: METRICS.throughput_ips,
  offline: METRICS.throughput_ips,
} as const satisfies Record<Workload, MetricDef>;

export function isPrecision(value: unknown): value is Precision {
  return typeof value === 'string' && (PRECISIONS as readonly string[]).includes(value);
}

export function isWorkload(value: unknown): value is Workload {
  return typeof value === 'string' && (WORKLOADS as readonly string[]).includes(value);
}

export function isTarget(value: unknown): value is TargetKind {
  return typeof value === 'string' && (TARGETS as readonly string[]).includes(value);
}

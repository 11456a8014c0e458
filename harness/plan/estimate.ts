// A rough duration estimate per cell, for `vharness plan` and the run's ETA. It uses the
// reference figures of DESIGN.md (per-image CPU cost of the synthetic ResNet-50); speed
// on another machine differs, so this is an order of magnitude, never a measurement.
import type { Precision } from '../core/vocabulary.js';
import type { Measure } from '../config/types.js';
import type { Cell } from './cell.js';
import { capacityProbeQueries } from './serving-capacity.js';

/** CPU-seconds per image (reference machine, 2 threads, batch 32 scaled to one core). */
const SECONDS_PER_IMAGE_CORE: Record<string, Record<Precision, number>> = {
  resnet50: { fp32: 2 / 23.5, int8: 2 / 84 },
  tiny: { fp32: 0.0004, int8: 0.0003 },
};

export interface EstimateOptions {
  /** Model arch (`resnet50`, `tiny`, or a file: costed like resnet50). */
  arch: string;
  /** CPUs of the machine running the instances. */
  cpus: number;
  /** Lead before each synchronized start, ms. @default 1500 */
  startLeadMs?: number;
}

/** Reference CPU-seconds per image of a model on one core. */
export function perImage(arch: string, precision: Precision): number {
  return (SECONDS_PER_IMAGE_CORE[arch] ?? (SECONDS_PER_IMAGE_CORE.resnet50 as Record<Precision, number>))[precision];
}

function runSeconds(measure: Measure, batch: number, imageSeconds: number): number {
  const stepsTime = (measure.warmup + measure.steps) * batch * imageSeconds;
  return Math.max(stepsTime, (measure.durationMs ?? 0) / 1000 + measure.warmup * batch * imageSeconds);
}

// Every trial is a synchronized start of its own: the lead plus the run, `repeats` times.
function trialsSeconds(measure: Measure, batch: number, imageSeconds: number, lead: number): number {
  return measure.repeats * runSeconds(measure, batch, imageSeconds) + (measure.repeats - 1) * lead;
}

/** Estimated wall time of one cell, seconds. */
export function estimateCellSeconds(cell: Cell, options: EstimateOptions): number {
  const lead = (options.startLeadMs ?? 1500) / 1000;
  const loadSeconds = options.arch === 'tiny' ? 0.1 : 1;
  const overhead = 0.5 + loadSeconds + lead;
  const threads = cell.threads ?? cell.vcpus ?? options.cpus;
  // Effective cores per instance: its threads, but never more than its share of the machine.
  const cores = Math.max(0.25, Math.min(threads, options.cpus / cell.instances));
  const image = perImage(options.arch, cell.precision) / cores;
  switch (cell.kind) {
    case 'latency': {
      const probeMeasure = cell.workload.kind === 'latency' ? cell.workload.probe : cell.measure;
      const candidates = cell.threadCandidates?.length ?? Math.max(1, Math.floor(Math.log2(cell.vcpus ?? options.cpus)) + 1);
      return overhead + candidates * (loadSeconds + runSeconds(probeMeasure, cell.batch, image)) + trialsSeconds(cell.measure, cell.batch, image, lead);
    }
    case 'multistream': {
      if (cell.workload.kind !== 'multistream') return overhead;
      // The batch found is about bound / per-image time; the search probes ~2 log2 of it.
      const found = Math.max(1, Math.min(cell.workload.maxBatch, Math.floor(cell.workload.boundMs / 1000 / image)));
      const probes = 2 * Math.ceil(Math.log2(found + 1)) + 1;
      return overhead + probes * (lead + runSeconds(cell.workload.probe, found, image)) + trialsSeconds(cell.measure, found, image, lead);
    }
    case 'server':
    case 'offline': {
      const w = cell.workload;
      if (w.kind !== 'server' && w.kind !== 'offline') return overhead;
      // Closed-loop capacity of one instance (queries/s), then runs at about half of it.
      const capacity = 1 / image;
      const warm = w.warmup * w.maxBatch * image;
      const capacityProbe = lead + warm + capacityProbeQueries(w) / capacity;
      // Each of the `repeats` trials is one offline run, or one confirming run at the rate found.
      const trials = cell.measure.repeats;
      if (w.kind === 'offline') return overhead + capacityProbe + trials * (lead + warm + Math.max(w.run.minDurationMs / 1000, w.run.minQueries / capacity));
      const runAt = (run: { minQueries: number; minDurationMs: number }): number => lead + warm + Math.max(run.minDurationMs / 1000, run.minQueries / (capacity / 2));
      const probes = Math.min(w.maxProbes, Math.ceil(Math.log2(1 / w.tolerance)) + 1);
      return overhead + capacityProbe + probes * runAt(w.probe) + trials * runAt(w.run);
    }
    default:
      return overhead + trialsSeconds(cell.measure, cell.batch, image, lead);
  }
}

/** Renders seconds as `45 s`, `12 min`, `3.5 h`. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

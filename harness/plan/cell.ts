// A cell is one (configuration x workload x precision x target) of the matrix: the unit that
// runs, succeeds or fails, is stored in its own file and is rerun by --resume.
import type { Precision } from '../core/vocabulary.js';
import type { Measure, WorkloadConfig } from '../config/types.js';
import type { TargetRequest } from '../providers/provider.js';
import type { TargetKind, Workload } from '../core/vocabulary.js';

export interface Cell {
  /** Stable id inside a run, e.g. `scaling/int8/vm/c5`; also the cell's file name. */
  key: string;
  kind: Workload;
  precision: Precision;
  target: TargetKind;
  /** Configuration row id (bare-metal scaling without a matching row: `n<count>`). */
  configuration: string;
  instances: number;
  /** vCPUs / GB per instance for VM cells; null for bare metal (unpartitioned). */
  vcpus: number | null;
  memoryGB: number | null;
  /** Batch of the measured run (multistream: the most the search may try). */
  batch: number;
  /** Intra-op threads per instance; undefined: chosen at run time (latency tuning, or the target's CPUs). */
  threads: number | undefined;
  /** Thread counts latency tuning may try; undefined: {1, 2, 4, ..., the target's CPUs}. */
  threadCandidates?: number[];
  measure: Measure;
  request: TargetRequest;
  workload: WorkloadConfig;
}

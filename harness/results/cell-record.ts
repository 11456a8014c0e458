// results/<run-id>/cells/<key>.json: one cell's summary, the setup chosen before its trials
// (threads, batch, searches) and every trial's raw per-instance samples, so any figure can be
// recomputed (and checked) from the file alone, and --resume continues at the next trial.
import type { Flag } from './flags.js';
import type { CellSummary, InstanceStatus, MultistreamInfo, ServerProbe, ThreadProbe, VmRecord } from './types.js';

/** Counters the agent read around its measuring loop (see agent/run-batches.ts). */
export interface InstanceNoise {
  /** /proc/stat ticks of the instance's CPUs over the window, and the steal part of them. */
  cpu_ticks: number;
  steal_ticks: number;
  /** Involuntary context switches of the agent process over the window. */
  involuntary_switches: number;
}

/** Raw timings of one instance in one trial, controller clock, ms relative to the trial's planned start. */
export interface InstanceRaw {
  name: string;
  host: string;
  status: InstanceStatus;
  error?: string;
  cpus?: number[];
  notes?: string[];
  /** A vSphere VM's host, placement policy and settings. */
  vm?: VmRecord;
  /** Agent clock minus controller clock (ns) and the round trip of the sample it came from. */
  clock: { offset_ns: number; rtt_ns: number } | null;
  threads: number | null;
  batch: number;
  /** When warmup actually began. */
  started_at_ms: number | null;
  first_batch_ms: number | null;
  warmup_done: number;
  /** Start and end of every measured batch. */
  starts_ms: number[];
  ends_ms: number[];
  peak_rss_bytes: number | null;
  stopped: boolean;
  /** Absent from agents that do not record it. */
  noise?: InstanceNoise;
  /** Open-loop scenarios: the schedule and how batches took it (starts_ms/ends_ms are per batch). */
  serving?: ServingRaw;
}

/** Raw schedule of an open-loop run, controller clock, ms relative to the cell's planned start. */
export interface ServingRaw {
  scenario: 'server' | 'offline';
  qps: number | null;
  seed: number;
  concurrency: number;
  max_batch: number;
  max_queue_delay_ms: number;
  /** The schedule's origin. */
  origin_ms: number;
  /** Scheduled arrival of every query (FIFO order). */
  arrivals_ms: number[];
  /** Queries held by each batch of starts_ms/ends_ms. */
  sizes: number[];
  late_start_ms: number;
  gave_up: boolean;
}

/** What was chosen before the trials (thread tuning, multistream batch search); reused by --resume. */
export interface CellSetup {
  threads: number;
  batch: number;
  /** Flags of the setup itself (e.g. the latency bound not met at batch 1). */
  flags: Flag[];
  thread_probes?: ThreadProbe[];
  multistream?: MultistreamInfo;
  /** Open-loop scenarios: the capacity probe, and the server's QPS search. */
  serving?: ServingSetupRecord;
}

/** What an open-loop cell settled before its trials; every trial then runs at these figures. */
export interface ServingSetupRecord {
  /** Closed-loop queries/s of one instance (the capacity probe). */
  capacity_per_instance: number;
  /** Median batch time of the capacity probe, ms (sizes the warmup lead). */
  batch_ms: number;
  /** Server: the rate per instance found within the bound (0: none was). */
  qps_found_per_instance: number;
  /** Server: the rate per instance each trial offers (the rate found, else the last probe's). */
  trial_qps_per_instance: number;
  /** Offline: queries per instance in each trial. */
  queries_per_instance: number;
  /** Server: every probe of the search. */
  probes: ServerProbe[];
  /** Server: why no rate was found, in words. */
  why_none?: string;
}

interface TrialRecordBase {
  /** 0-based trial number within the cell. */
  index: number;
  started_at: string;
  finished_at: string;
  instances: InstanceRaw[];
}

export interface CompletedTrialRecord extends TrialRecordBase {
  status: 'completed';
}

export interface FailedTrialRecord extends TrialRecordBase {
  status: 'failed';
  error: string;
}

export type TrialRecord = CompletedTrialRecord | FailedTrialRecord;

export interface CellRecord {
  key: string;
  started_at: string;
  finished_at: string;
  summary: CellSummary;
  /** Null when the cell failed before its setup was done. */
  setup: CellSetup | null;
  trials: TrialRecord[];
}

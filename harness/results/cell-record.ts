// results/<run-id>/cells/<key>.json: one cell's summary plus the raw per-instance samples it
// was computed from, so any figure can be recomputed (and checked) from the file alone.
import type { CellSummary, VmRecord } from './types.js';

/** Raw timings of one instance, controller clock, ms relative to the cell's planned start. */
export interface InstanceRaw {
  name: string;
  host: string;
  status: 'completed' | 'failed' | 'timed-out';
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

export interface CellRecord {
  key: string;
  started_at: string;
  finished_at: string;
  summary: CellSummary;
  /** The measured (confirming) run's raw samples. */
  instances: InstanceRaw[];
}

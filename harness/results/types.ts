// The shape of results/<run-id>/summary.json: what tables, reports and `compare` read.
// Field names are snake_case because they are a file format read by other tools.
import type { Precision } from '../../agent/protocol.js';

export type Workload = 'latency' | 'throughput' | 'scaling' | 'multistream' | 'server' | 'offline';
export type TargetKind = 'vm' | 'baremetal';
export type CellStatus = 'completed' | 'failed';

export interface LatencyStats {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Per VM in summary.json (snake_case, a file format): where it ran, by which policy, with which settings. */
export interface VmRecord {
  host: string;
  placement: string;
  cores_per_socket: number;
  latency_sensitivity: string;
  cpu_reservation_mhz: number;
  memory_reservation_mb: number;
  memory_locked: boolean;
  /** Host logical CPUs (`0-11`), or `none`. */
  cpu_affinity: string;
}

export interface InstanceSummary {
  name: string;
  host: string;
  status: 'completed' | 'failed' | 'timed-out';
  error?: string;
  /** Images/s of this instance inside the cell's all-active window. */
  throughput_ips: number;
  latency_ms: LatencyStats | null;
  first_inference_ms: number | null;
  /** Measured batches in total (not only in the window). */
  steps: number;
  /** Actual start of measurement, controller clock, ms relative to the cell's planned start. */
  start_offset_ms: number | null;
  peak_rss_bytes: number | null;
  cpus?: number[];
  notes?: string[];
  /** A vSphere VM's host, placement policy and settings as read back. */
  vm?: VmRecord;
}

export interface ThreadProbe {
  threads: number;
  latency_ms: number;
}

export interface MultistreamProbe {
  batch: number;
  /** The bounded statistic (mean or p99) of the probe, ms. */
  latency_ms: number;
  throughput_ips: number;
  within_bound: boolean;
}

export interface MultistreamInfo {
  bound_ms: number;
  statistic: 'mean' | 'p99';
  batch_found: number;
  probes: MultistreamProbe[];
}

/** Per-query latency of an open-loop run (completion - scheduled arrival), ms. */
export interface QueryLatencyStats extends LatencyStats {
  p999: number;
}

/** LoadGen-style validity of one open-loop run, with the reasons in words. */
export type ServingValidity = import('./loadgen-validity.js').RunValidity & { min_queries: number; min_duration_ms: number };

/** One probe of the server scenario's QPS search (offered rates summed over instances). */
export interface ServerProbe {
  qps: number;
  qps_per_instance: number;
  /** null when no query was served. */
  p99_ms: number | null;
  within_bound: boolean;
  over_bound_fraction: number;
  queries: number;
}

/** How an open-loop instance executed queries (recorded as run). */
export interface ServingSetup {
  concurrency: number;
  max_batch: number;
  max_queue_delay_ms: number;
}

/** Beyond the study: the Server scenario of a cell. */
export interface ServerInfo extends ServingSetup {
  bound_ms: number;
  seed: number;
  /** Highest offered rate found within the bound, summed over instances (0: none was). */
  qps_found: number;
  qps_per_instance: number;
  /** Closed-loop throughput of the same instances (the capacity probe), queries/s. */
  closed_loop_qps: number | null;
  probes: ServerProbe[];
  /** The confirming run at qps_found. */
  latency_ms: QueryLatencyStats | null;
  over_bound_fraction: number;
  queries: number;
  unserved: number;
  mean_batch: number | null;
  validity: ServingValidity;
}

/** Beyond the study: the Offline scenario of a cell. */
export interface OfflineInfo extends ServingSetup {
  queries: number;
  mean_batch: number | null;
  /** Time from the start to the last completion, s (the longest instance). */
  duration_s: number | null;
  validity: ServingValidity;
}

export interface CellSummary {
  /** Stable id of the cell inside a run, e.g. `scaling/int8/vm/c5`. */
  key: string;
  workload: Workload;
  precision: Precision;
  target: TargetKind;
  /** Configuration row (Table 3 style) the cell ran on. */
  configuration: string;
  instances: number;
  vcpus_per_instance: number | null;
  memory_gb_per_instance: number | null;
  batch: number;
  threads: number;
  status: CellStatus;
  /** Why the cell failed (status failed). */
  error?: string;
  valid: boolean;
  /** Validity flags that failed, e.g. `skew_exceeds_5pct`, `min_duration_not_met`. */
  flags: string[];
  throughput_ips: number | null;
  latency_ms: LatencyStats | null;
  first_inference_ms: number | null;
  start_skew_ms: number | null;
  window_s: number | null;
  per_instance: InstanceSummary[];
  thread_probes?: ThreadProbe[];
  multistream?: MultistreamInfo;
  server?: ServerInfo;
  offline?: OfflineInfo;
  notes?: string[];
}

export interface RunSummary {
  run_id: string;
  config: string;
  inventory: string;
  model: { arch: string; fp32?: { path: string; sha256: string }; int8?: { path: string; sha256: string } };
  started_at: string;
  finished_at: string;
  cells: CellSummary[];
}

/** results/<run-id>/manifest.json: everything needed to reproduce and compare a run. */
export interface RunManifest {
  run_id: string;
  created_at: string;
  /** The validated config, as run. */
  config: unknown;
  config_file: string;
  /** The validated inventory with secrets redacted (only env/file names remain). */
  inventory: unknown;
  inventory_file: string;
  inventory_name: string;
  versions: { vharness: string; node: string; onnxruntime: string };
  git_commit: string | null;
  /** Facts of the controller machine and of every host/VM reached (agent sysinfo, ESXi facts). */
  hosts: import('../providers/provider.js').HostFacts[];
  models: { precision: string; path: string; sha256: string; bytes: number }[];
  command: string[];
  /** sha256 of the config and inventory files' bytes: `--resume` refuses other files. */
  inputs?: { config_sha256: string; inventory_sha256: string };
}

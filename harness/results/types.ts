// The shape of results/<run-id>/summary.json: what tables, reports and `compare` read.
// Field names are snake_case because they are a file format read by other tools.
// A cell is a tagged union: `completed` carries its statistics, `failed` its error.
import type { HostFacts, VmRecord } from '../core/shared-types.js';
import type { Better, MetricName, Precision, TargetKind, Workload } from '../core/vocabulary.js';
import type { Flag } from './flags.js';

export type { VmRecord } from '../core/shared-types.js';

export type CellStatus = 'completed' | 'failed';
export type InstanceStatus = 'completed' | 'failed' | 'timed-out';

export interface LatencyStats {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface InstanceSummary {
  name: string;
  host: string;
  status: InstanceStatus;
  error?: string;
  /** Images/s of this instance inside the all-active windows, mean over trials. */
  throughput_ips: number;
  /** Pooled over every trial. */
  latency_ms: LatencyStats | null;
  first_inference_ms: number | null;
  /** Measured batches in total (all trials, not only in the windows). */
  steps: number;
  /** Actual start of measurement of the last trial, controller clock, ms relative to its planned start. */
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
  /** The search stops when its bracket is within this fraction: the resolution of qps_found. */
  tolerance: number;
  /** Highest offered rate found within the bound, summed over instances (0: none was). */
  qps_found: number;
  qps_per_instance: number;
  /** Closed-loop throughput of the same instances (the capacity probe), queries/s. */
  closed_loop_qps: number | null;
  probes: ServerProbe[];
  /** The confirming runs (the trials) at qps_found, pooled. */
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


/** A closed interval [low, high]. */
export type Interval = [number, number];

/** A figure measured over trials: mean of the trial values with its spread and 95% CI. */
export interface Estimate {
  /** Trials it is computed from. */
  n: number;
  mean: number;
  /** Sample standard deviation of the trial values (0 with one trial). */
  sd: number;
  /** sd / mean (0 with one trial). */
  cv: number;
  /** Student t interval of the mean; null with fewer than two trials. */
  ci95: Interval | null;
}

/** What disturbs a measurement, as recorded over one trial's measuring window. */
export interface TrialNoise {
  /** Steal time / CPU time of the instances' CPUs (largest instance); null where /proc/stat is unreadable. */
  steal_fraction: number | null;
  /** Involuntary context switches of the agent processes per second of window (largest instance); null when unknown. */
  preemptions_per_s: number | null;
  /** Batches slower than Q3 + 3 IQR of the trial's pooled latencies. */
  outlier_fraction: number;
  /** (mean - median) / median of the trial's pooled latencies. */
  mean_median_divergence: number;
  /** Batches the two shape signals above were computed from (absent in older results). */
  batches?: number;
}

/** Which noise signal crossed its threshold. */
export type NoiseSignal = 'steal' | 'preemption' | 'outliers' | 'skewed_latencies' | 'trial_spread';

export interface NoiseFinding {
  signal: NoiseSignal;
  value: number;
  threshold: number;
  /** The finding in words, e.g. `12% of batches were outliers (limit 5%)`. */
  reason: string;
}

export interface CompletedTrial {
  status: 'completed';
  /** 0-based trial number within the cell. */
  index: number;
  throughput_ips: number;
  latency_mean_ms: number;
  window_s: number;
  start_skew_ms: number | null;
  flags: Flag[];
  noise: TrialNoise;
  noisy: NoiseFinding[];
}

export interface FailedTrial {
  status: 'failed';
  index: number;
  error: string;
}

export type TrialSummary = CompletedTrial | FailedTrial;

/** VALID: trusted; INVALID: a validity check failed; NOISY: disturbed beyond the noise thresholds. */
export type Validity = 'valid' | 'invalid' | 'noisy';

interface CellBase {
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
  /** Trials planned. */
  repeats: number;
  per_instance: InstanceSummary[];
  thread_probes?: ThreadProbe[];
  multistream?: MultistreamInfo;
  server?: ServerInfo;
  offline?: OfflineInfo;
  notes?: string[];
}

export interface CompletedCell extends CellBase {
  status: 'completed';
  validity: Validity;
  /** Validity checks that failed in any trial. */
  flags: Flag[];
  /** Noise thresholds crossed (by a trial, or by the spread between trials). */
  noise: NoiseFinding[];
  /** Why the cell is not VALID, in words (empty when valid). */
  reasons: string[];
  throughput_ips: Estimate;
  latency_mean_ms: Estimate;
  /** Percentiles of the raw samples of every trial, pooled. */
  latency_ms: LatencyStats;
  first_inference_ms: number | null;
  /** Largest start skew of any trial. */
  start_skew_ms: number | null;
  /** Mean all-active window of the trials. */
  window_s: number;
  trials: CompletedTrial[];
}

export interface FailedCell extends CellBase {
  status: 'failed';
  error: string;
  /** Trials run before the failure (completed ones are kept for --resume). */
  trials: TrialSummary[];
}

export type CellSummary = CompletedCell | FailedCell;

export type ComparisonKind = 'vm_vs_baremetal' | 'int8_vs_fp32' | 'scaling' | 'run_b_vs_run_a';
export type Verdict = 'faster' | 'slower' | 'no_difference' | 'inconclusive';

interface ComparisonBase {
  kind: ComparisonKind;
  workload: Workload;
  /** The precision compared (`int8 vs fp32` for kind int8_vs_fp32). */
  precision: string;
  /** Target of both sides (`VM vs bare metal` for kind vm_vs_baremetal). */
  target: string;
  configuration: string;
  instances: number;
  /** Cell keys: the ratio is a / b of the metric. */
  a: string;
  b: string;
  metric: MetricName;
  better: Better;
  /** The verdict with its figures in words, e.g. `VM is 4.1% slower than bare metal (95% CI 2.0-6.2%)`. */
  reason: string;
  /** Short form for table cells: `4.1% slower`, `3.12x faster`, `no significant difference`, `inconclusive`. */
  headline: string;
  /** The interval in the headline's terms, e.g. `95% CI 2.0-6.2%`; empty without an interval. */
  ci_text: string;
  /** Caveat shown next to the ratio (e.g. the local provider's VMs are CPU partitions). */
  note?: string;
}

/** The interval decided: a is faster or slower than b, or equivalent within the margin. */
export interface DecidedComparison extends ComparisonBase {
  verdict: 'faster' | 'slower' | 'no_difference';
  ratio: number;
  ci95: Interval;
}

export interface InconclusiveComparison extends ComparisonBase {
  verdict: 'inconclusive';
  /** Null when a side has no value (failed). */
  ratio: number | null;
  /** Null when no interval exists (failed side, one trial, unbounded). */
  ci95: Interval | null;
}

export type Comparison = DecidedComparison | InconclusiveComparison;

export interface RunSummary {
  run_id: string;
  config: string;
  inventory: string;
  model: { arch: string; fp32?: { path: string; sha256: string }; int8?: { path: string; sha256: string } };
  started_at: string;
  finished_at: string;
  /** Equivalence margin of the verdicts (0.01: +-1%). */
  equivalence_margin: number;
  cells: CellSummary[];
  /** Every ratio of the run with its interval and verdict. */
  comparisons: Comparison[];
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
  hosts: HostFacts[];
  models: { precision: string; path: string; sha256: string; bytes: number }[];
  command: string[];
  /** sha256 of the config and inventory files' bytes: `--resume` refuses other files. */
  inputs?: { config_sha256: string; inventory_sha256: string };
}

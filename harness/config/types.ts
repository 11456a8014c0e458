// The validated, defaulted shapes of a config file (what to run) and an inventory (where).
// harness/config/ turns YAML into these once, at the boundary; nothing else reads raw YAML.
import type { Precision } from '../core/vocabulary.js';
import type { Workload } from '../core/vocabulary.js';

// ---- config: configs/*.yaml ----------------------------------------------------------

/**
 * vSphere settings of a configuration's VMs, each optional; undefined means vSphere's default
 * (one socket, latency sensitivity normal, no reservation, no affinity). Other providers ignore them.
 */
export interface VmSettings {
  /** Cores per virtual socket (vNUMA); must divide the vCPUs. @default vcpus (one socket) */
  coresPerSocket?: number;
  /** `high` needs `memoryReservation: all` (vSphere refuses it otherwise). @default normal */
  latencySensitivity?: 'normal' | 'high';
  /** CPU reservation per VM, MHz. @default 0 */
  cpuReservationMHz?: number;
  /** Memory reservation per VM in MB, or `all` (memoryReservationLockedToMax). @default 0 */
  memoryReservation?: number | 'all';
  /** Host logical CPUs each VM may run on, one list per VM (blocks DRS and vMotion). */
  cpuAffinity?: number[][];
}

/** One Table 3 row: `vms` VMs of `vcpus` vCPUs and `memoryGB` GB each. */
export interface Configuration {
  id: string;
  vms: number;
  vcpus: number;
  memoryGB: number;
  /** VM settings of the row (vSphere); absent when the row sets none. */
  settings?: VmSettings;
}

export interface Measure {
  /** Batches before measuring. @default 250 (the study) */
  warmup: number;
  /** Measured batches (the minimum when `durationMs` is set). @default 500 (the study) */
  steps: number;
  /** Common measuring duration for multi-instance cells; undefined: fixed `steps`. */
  durationMs?: number;
  /** Independent trials per cell (each a synchronized start with its own window); probes run once. @default 3 */
  repeats: number;
}

/** When a trial or cell counts as noisy (see README "Noise detection"). */
export interface NoiseThresholds {
  /** Steal time as a fraction of the CPU time of the instance's CPUs. @default 0.02 */
  maxStealFraction: number;
  /** Involuntary context switches of an agent per second of window. @default 50 */
  maxPreemptionsPerSecond: number;
  /** Fraction of batches beyond Q3 + 3 IQR. @default 0.05 */
  maxOutlierFraction: number;
  /** |mean - median| / median of the batch latencies. @default 0.1 */
  maxMeanMedianDivergence: number;
  /** Coefficient of variation of the headline metric between trials. @default 0.1 */
  maxTrialCv: number;
}

interface WorkloadBase {
  kind: Workload;
  precisions: Precision[];
  measure: Measure;
}

/** Single-image latency on one VM vs bare metal, intra-op threads tuned per target. */
export interface LatencyWorkload extends WorkloadBase {
  kind: 'latency';
  configuration: string;
  batch: number;
  /** Thread counts to try; undefined: {1, 2, 4, ..., vCPUs}. */
  threads?: number[];
  /** Short probe per thread count. */
  probe: Measure;
}

/** Large-batch throughput on each VM of a configuration vs bare metal. */
export interface ThroughputWorkload extends WorkloadBase {
  kind: 'throughput';
  configuration: string;
  batch: number;
  /** Intra-op threads per instance; undefined: the VM's vCPUs (bare metal: all CPUs). */
  threads?: number;
}

/** 1..N instances of batch 1: configurations (N VMs each) vs N bare-metal processes. */
export interface ScalingWorkload extends WorkloadBase {
  kind: 'scaling';
  configurations: string[];
  batch: number;
  threads?: number;
  /** Bare-metal instance counts; undefined: the VM counts of `configurations`. */
  baremetalInstances?: number[];
}

/** Largest batch whose latency statistic stays within the bound, then a confirming run. */
export interface MultistreamWorkload extends WorkloadBase {
  kind: 'multistream';
  configuration: string;
  boundMs: number;
  statistic: 'mean' | 'p99';
  threads?: number;
  /** Largest batch tried. @default 1024 */
  maxBatch: number;
  probe: Measure;
}

/** LoadGen-style minimums of one open-loop run (both must be met). */
export interface ServingRun {
  /** At least this many queries. */
  minQueries: number;
  /** At least this long (ms): server, until the last scheduled arrival; offline, until the last completion. */
  minDurationMs: number;
}

/** How each instance of an open-loop scenario executes queries. */
interface ServingExecution {
  configuration: string;
  /** Intra-op threads per instance, shared by its sessions (threads / concurrency each); undefined: the VM's vCPUs (bare metal: all vCPUs of the configuration). */
  threads?: number;
  /** Batches in flight per instance (one session each). @default 1 */
  concurrency: number;
  /** Most queries per batch (dynamic batching when > 1). */
  maxBatch: number;
  /** Warmup batches of `maxBatch` per session before each run. @default 10 */
  warmup: number;
  run: ServingRun;
}

/** Extension beyond the study: MLPerf-style Server scenario. Poisson arrivals per instance; the highest QPS whose p99 stays within the bound. */
export interface ServerWorkload extends WorkloadBase, ServingExecution {
  kind: 'server';
  /** p99 latency bound, ms. @default 15 (MLPerf's ResNet-50 server bound) */
  boundMs: number;
  /** Longest wait of a query for a fuller batch, ms. @default 0 */
  maxQueueDelayMs: number;
  /** Seed of the arrival schedules (instance i uses seed + i). @default 1 */
  seed: number;
  /** Each probe of the QPS search. */
  probe: ServingRun;
  /** Stop when the bracket is within this fraction. @default 0.05 */
  tolerance: number;
  /** @default 8 */
  maxProbes: number;
  /** No probe below this fraction of the closed-loop capacity. @default 1/16 */
  minQpsFraction: number;
}

/** Extension beyond the study: MLPerf-style Offline scenario. All queries available at the start, batched up to `maxBatch`. */
export interface OfflineWorkload extends WorkloadBase, ServingExecution {
  kind: 'offline';
}

export type ServingWorkload = ServerWorkload | OfflineWorkload;

export type WorkloadConfig = LatencyWorkload | ThroughputWorkload | ScalingWorkload | MultistreamWorkload | ServerWorkload | OfflineWorkload;

export interface ModelChoice {
  /** `resnet50`, `tiny`, or a path to an fp32 .onnx file. */
  arch: string;
  /** Explicit int8 model file; undefined: quantize/build from `arch`. */
  int8Path?: string;
  seed: number;
}

export interface Config {
  /** Absolute path of the file it came from. */
  file: string;
  name: string;
  model: ModelChoice;
  configurations: Configuration[];
  workloads: WorkloadConfig[];
  /** Run bare-metal baselines next to VM cells. @default true */
  baremetal: boolean;
  /** Lead time before the synchronized start. @default 1500 */
  startLeadMs: number;
  /** Skew above this fraction of the window flags a cell. @default 0.05 */
  maxSkewFraction: number;
  noise: NoiseThresholds;
  /** A ratio whose 95% CI lies within 1 +- this is `no_difference`. @default 0.01 */
  equivalenceMargin: number;
}

// ---- inventory: inventories/*.yaml ---------------------------------------------------

/** A secret never sits in the inventory text: it names an env variable or a file. */
export type SecretRef = { env: string } | { file: string };

export interface SshSettings {
  /** known_hosts file used to pin host keys. @default ~/.ssh/known_hosts */
  knownHosts: string;
  /** Accept and record unknown host keys (never changed ones). @default false */
  trustOnFirstUse: boolean;
  /** @default 20000 */
  connectTimeoutMs: number;
  /** Connection attempts while a machine boots. @default 5 */
  retries: number;
  /** @default 5000 */
  keepaliveIntervalMs: number;
  /** @default 3 */
  keepaliveCountMax: number;
  /** Parallel SSH sessions. @default 8 */
  concurrency: number;
}

export interface SshHost {
  name: string;
  address: string;
  /** @default 22 */
  port: number;
  user: string;
  key?: SecretRef;
  password?: SecretRef;
  /** CPU lists per instance slot (numactl --physcpubind style); undefined: unpinned. */
  cpus?: number[][];
  /** How the agent gets node: auto (system if >= 20 else bundled), system, bundled. @default auto */
  node: 'auto' | 'system' | 'bundled';
  /** Remote directory for agent bundles and models. @default ~/.vharness */
  dir: string;
}

export interface VsphereSettings {
  /** https://host[:port]/sdk */
  url: string;
  user: string;
  password: SecretRef;
  /** PEM CA bundle file; or `thumbprint` (SHA-256, hex with colons); or `insecure`. */
  ca?: string;
  thumbprint?: string;
  /** Skip certificate checks for this connection only. @default false */
  insecure: boolean;
  datacenter?: string;
  cluster?: string;
  host?: string;
  resourcePool?: string;
  datastore?: string;
  /** VM folder path for created VMs. */
  folder?: string;
  /** VM to clone from (inventory path or name). */
  template: string;
  /** Name pattern; `{config}`, `{index}`, `{owner}` are substituted. @default vh-{config}-{index} */
  namePattern: string;
  /** Addresses handed to cloned VMs. */
  ipPool: { cidr: string; addresses: string[]; gateway?: string; dns?: string[] };
  /** SSH login of the template's guest OS. */
  guest: Omit<SshHost, 'name' | 'address' | 'cpus'>;
  /** Parallel clones. @default 4 */
  cloneConcurrency: number;
  /**
   * Which ESXi host each VM of a configuration goes to: `spread` (the least loaded host of the
   * cluster for each VM), `pack` (fill one host before the next). `host` (above) overrides it:
   * every VM on that host. @default spread
   */
  placement: 'spread' | 'pack';
  teardown: 'never' | 'on-success' | 'always';
  /** Hours a created VM is leased for (annotation); `vms destroy --expired` removes it after. @default 72 */
  leaseHours: number;
  /** Deadline for a VM's IP to appear. @default 300000 */
  ipTimeoutMs: number;
  /** Deadline of one vCenter request; after one request got no answer, vCenter is not asked again that run. @default 60000 */
  requestTimeoutMs: number;
}

export interface LocalSettings {
  /** Enforce VM memory sizes with a cgroup memory limit when writable. @default true */
  memoryLimits: boolean;
  /** CPUs usable for partitions; undefined: the process's affinity. */
  cpus?: number[];
}

/** Which provider serves each target kind, and its settings. */
export type VmTargets = { provider: 'local'; local: LocalSettings } | { provider: 'ssh'; hosts: SshHost[] } | { provider: 'vsphere'; vsphere: VsphereSettings };
export type BaremetalTargets = { provider: 'local'; local: LocalSettings } | { provider: 'ssh'; hosts: SshHost[] };

export interface Inventory {
  file: string;
  name: string;
  vm: VmTargets;
  baremetal: BaremetalTargets;
  ssh: SshSettings;
  /** Where results go. @default ./results */
  resultsDir: string;
}

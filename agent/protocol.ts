// The controller <-> agent protocol: newline-delimited JSON on the agent's stdin/stdout
// (logs go to stderr). The same stream runs over a local child process and an SSH exec
// channel. Every request carries an `id`; the agent answers each with the same `id`.
// All agent times are the agent's monotonic clock in nanoseconds, as JSON numbers
// (`Number(process.hrtime.bigint())`: exact to a few ns for years of uptime).

export const PROTOCOL_VERSION = 1;

export type Precision = 'fp32' | 'int8';

// ---- controller -> agent -------------------------------------------------------------

export interface HelloRequest {
  type: 'hello';
  id: number;
}

/** Clock probe: `t0` is the controller's send time (controller clock, ns). */
export interface PingRequest {
  type: 'ping';
  id: number;
  t0: number;
}

export interface LoadRequest {
  type: 'load';
  id: number;
  /** Path of the .onnx file on the agent's machine. */
  model: string;
  /** When given, the agent checks the file's sha256 before loading. */
  sha256?: string;
  precision: Precision;
  /** onnxruntime intraOpNumThreads. */
  intraOpThreads: number;
  /** onnxruntime interOpNumThreads. @default 1 */
  interOpThreads?: number;
  /** Batch of the input tensor prepared by `run` (it can be changed per run). */
  batch: number;
}

export interface RunRequest {
  type: 'run';
  id: number;
  /** Agent-clock instant (ns) at which warmup starts; the agent spins for the last millisecond. Omitted: now. */
  startAt?: number;
  /** Batches run before measuring. */
  warmup: number;
  /** Measured batches; with `durationMs` it is the minimum count. */
  steps: number;
  /** When set, measure for this long (and at least `steps` batches). */
  durationMs?: number;
  batch: number;
  /** Progress events at most this often. @default 1000 */
  progressEveryMs?: number;
}

/** Ends a running `run` early; the run still answers with its samples, `stopped: true`. */
export interface StopRequest {
  type: 'stop';
  id: number;
}

/** Releases the session and ends the agent process. */
export interface ByeRequest {
  type: 'bye';
  id: number;
}

export type Request = HelloRequest | PingRequest | LoadRequest | RunRequest | StopRequest | ByeRequest;
export type RequestType = Request['type'];

// ---- agent -> controller -------------------------------------------------------------

export interface CpuFlags {
  avx2: boolean;
  avx512f: boolean;
  avx512_vnni: boolean;
  avx_vnni: boolean;
  amx_int8: boolean;
}

export interface CgroupLimits {
  version: 1 | 2 | null;
  /** CPUs allowed by the cpuset controller, as a list like "0-3,8". */
  cpuset: string | null;
  /** CPU quota in CPUs (quota / period), null when unlimited. */
  cpuQuota: number | null;
  /** Memory limit in bytes, null when unlimited. */
  memoryLimitBytes: number | null;
}

export interface SysInfo {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  cpuModel: string;
  flags: CpuFlags;
  sockets: number;
  cores: number;
  threads: number;
  numaNodes: number;
  memoryBytes: number;
  /** CPUs this process may run on (sched_getaffinity). */
  affinity: number[];
  cgroup: CgroupLimits;
  nodeVersion: string;
  onnxruntimeVersion: string;
  agentVersion: string;
  /** True when the process runs under a hypervisor (the `hypervisor` CPU flag). */
  virtualized: boolean;
}

export interface HelloResponse {
  type: 'hello';
  id: number;
  protocol: number;
  pid: number;
  sysinfo: SysInfo;
}

/** `t1`: agent receive time, `t2`: agent send time (agent clock, ns). */
export interface PongResponse {
  type: 'pong';
  id: number;
  t0: number;
  t1: number;
  t2: number;
}

export interface LoadedResponse {
  type: 'loaded';
  id: number;
  loadMs: number;
  inputName: string;
  /** Input shape as declared by the model; -1 or a name for a dynamic dimension. */
  inputShape: (number | string)[];
  outputName: string;
  intraOpThreads: number;
  interOpThreads: number;
  rssBytes: number;
}

export interface ProgressEvent {
  type: 'progress';
  id: number;
  phase: 'waiting' | 'warmup' | 'measure';
  done: number;
  /** Batches planned for the phase; null in duration mode. */
  total: number | null;
}

/** Raw per-batch samples; never pre-averaged. */
export interface RunResult {
  type: 'result';
  id: number;
  batch: number;
  /** When warmup actually began (agent clock, ns). */
  startedAt: number;
  /** Duration of the first warmup batch in ms (first-inference time when warmup >= 1). */
  firstBatchMs: number | null;
  warmupDone: number;
  /** Start of each measured batch, ns, agent clock. */
  starts: number[];
  /** End of each measured batch, ns, agent clock (same length as `starts`). */
  ends: number[];
  peakRssBytes: number;
  /** True when a `stop` request ended the run early. */
  stopped: boolean;
  /** What disturbed the measuring loop (absent from older agents). */
  noise?: RunNoise;
}

/** Counters over the measuring loop: /proc/stat ticks of the agent's CPUs, steal among them, and involuntary context switches of the agent. */
export interface RunNoise {
  cpuTicks: number;
  stealTicks: number;
  involuntarySwitches: number;
}

export interface OkResponse {
  type: 'ok';
  id: number;
}

export const ErrorCode = {
  badRequest: 'bad_request',
  modelNotFound: 'model_not_found',
  modelChecksum: 'model_checksum',
  modelInvalid: 'model_invalid',
  notLoaded: 'not_loaded',
  busy: 'busy',
  outOfMemory: 'out_of_memory',
  inference: 'inference_failed',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Failure of one request (`id` set) or of the agent itself (`id` null, the agent then exits). */
export interface ErrorResponse {
  type: 'error';
  id: number | null;
  code: ErrorCode;
  message: string;
}

export type Response = HelloResponse | PongResponse | LoadedResponse | RunResult | OkResponse | ErrorResponse;
export type AgentMessage = Response | ProgressEvent;

/** What each request is answered with (the final message of that id). */
export interface ResponseFor {
  hello: HelloResponse;
  ping: PongResponse;
  load: LoadedResponse;
  run: RunResult;
  stop: OkResponse;
  bye: OkResponse;
}

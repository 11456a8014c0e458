// The controller <-> agent protocol: newline-delimited JSON on the agent's stdin/stdout
// (logs go to stderr). The same stream runs over a local child process and an SSH exec
// channel. Every request carries an `id`; the agent answers each with the same `id`.
// All agent times are the agent's monotonic clock in nanoseconds, as JSON numbers
// (`Number(process.hrtime.bigint())`: exact to a few ns for years of uptime).
//
// Each message is declared once, as a shape (message-shape.ts): the shape gives its type and
// its run-time check. The agent checks every request against `requests`, the controller every
// message against `messages` and each answer against the request's `reply`. Adding a message
// type is one entry here (plus the code that handles it).
import {
  arrayOf,
  boolean,
  described,
  either,
  integer,
  matching,
  nonEmptyString,
  nonNegativeNumber,
  nullable,
  number,
  object,
  oneOf,
  optional,
  positiveNumber,
  string,
  type Infer,
  type Shape,
} from './message-shape.js';

/** Bumped on any incompatible change; the controller refuses an agent speaking another. */
export const PROTOCOL_VERSION = 1;

export const PRECISION_VALUES = ['fp32', 'int8'] as const;
export type Precision = (typeof PRECISION_VALUES)[number];

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

const requestId = integer(0);
const count = integer(0);
const positive = integer(1);
const precision = oneOf(...PRECISION_VALUES);
const agentTime = described(number, 'an agent-clock time in ns');

/** Open-loop scenarios (MLPerf LoadGen style): `server` (Poisson arrivals) and `offline` (all at once). */
export const SCENARIO_VALUES = ['server', 'offline'] as const;
export type Scenario = (typeof SCENARIO_VALUES)[number];
const scenario = oneOf(...SCENARIO_VALUES);

// ---- agent -> controller -------------------------------------------------------------

const cpuFlags = {
  avx2: boolean,
  avx512f: boolean,
  avx512_vnni: boolean,
  avx_vnni: boolean,
  amx_int8: boolean,
} as const satisfies Shape;

const cgroupLimits = {
  version: nullable(oneOf(1, 2)),
  /** CPUs allowed by the cpuset controller, as a list like "0-3,8". */
  cpuset: nullable(string),
  /** CPU quota in CPUs (quota / period), null when unlimited. */
  cpuQuota: nullable(number),
  /** Memory limit in bytes, null when unlimited. */
  memoryLimitBytes: nullable(number),
} as const satisfies Shape;

const sysInfo = {
  hostname: string,
  os: string,
  kernel: string,
  arch: string,
  cpuModel: string,
  flags: object(cpuFlags),
  sockets: count,
  cores: count,
  threads: count,
  numaNodes: count,
  memoryBytes: number,
  /** CPUs this process may run on (sched_getaffinity). */
  affinity: arrayOf(count),
  cgroup: object(cgroupLimits),
  nodeVersion: string,
  onnxruntimeVersion: string,
  agentVersion: string,
  /** True when the process runs under a hypervisor (the `hypervisor` CPU flag). */
  virtualized: boolean,
} as const satisfies Shape;

export type CpuFlags = Infer<typeof cpuFlags>;
export type CgroupLimits = Infer<typeof cgroupLimits>;
export type SysInfo = Infer<typeof sysInfo>;

/** Counters over the measuring loop: /proc/stat ticks of the agent's CPUs, steal among them, and involuntary context switches of the agent. */
const runNoise = { cpuTicks: count, stealTicks: count, involuntarySwitches: count } as const satisfies Shape;
export type RunNoise = Infer<typeof runNoise>;

/** Every message the agent writes, by type (the `id` is the request's; `error` may have none). */
export const messages = {
  hello: { id: requestId, protocol: integer(0), pid: integer(0), sysinfo: object(sysInfo) },
  /** `t1`: agent receive time, `t2`: agent send time (agent clock, ns). */
  pong: { id: requestId, t0: number, t1: number, t2: number },
  loaded: {
    id: requestId,
    loadMs: number,
    inputName: string,
    /** Input shape as declared by the model; -1 or a name for a dynamic dimension. */
    inputShape: arrayOf(either(number, string)),
    outputName: string,
    intraOpThreads: positive,
    interOpThreads: positive,
    rssBytes: number,
  },
  progress: {
    id: requestId,
    phase: oneOf('waiting', 'warmup', 'measure'),
    done: count,
    /** Batches planned for the phase; null in duration mode. */
    total: nullable(count),
  },
  /** Raw per-batch samples; never pre-averaged. */
  result: {
    id: requestId,
    batch: positive,
    /** When warmup actually began (agent clock, ns). */
    startedAt: number,
    /** Duration of the first warmup batch in ms (first-inference time when warmup >= 1). */
    firstBatchMs: nullable(number),
    warmupDone: count,
    /** Start of each measured batch, ns, agent clock. */
    starts: arrayOf(number),
    /** End of each measured batch, ns, agent clock (same length as `starts`). */
    ends: arrayOf(number),
    peakRssBytes: number,
    /** True when a `stop` request ended the run early. */
    stopped: boolean,
    /** What disturbed the measuring loop (absent from older agents). */
    noise: optional(object(runNoise)),
  },
  /** Raw outcome of a `serve`: the schedule and every batch; latencies are the controller's job. */
  served: {
    id: requestId,
    scenario,
    qps: nullable(positiveNumber),
    seed: count,
    concurrency: positive,
    maxBatch: positive,
    maxQueueDelayMs: number,
    /** The schedule's origin (agent clock, ns). */
    origin: number,
    /** Scheduled arrival of every query, ms after `origin` (FIFO: batches take them in this order). */
    arrivalsMs: arrayOf(number),
    /** Per executed batch, in dispatch order: start and end (agent ns) and queries held. */
    starts: arrayOf(number),
    ends: arrayOf(number),
    sizes: arrayOf(positive),
    warmupDone: count,
    firstBatchMs: nullable(number),
    /** How late (ms) warmup let the schedule begin; 0 when on time. */
    lateStartMs: number,
    peakRssBytes: number,
    /** True when dispatching stopped because a query waited longer than `giveUpMs`. */
    gaveUp: boolean,
    stopped: boolean,
  },
  ok: { id: requestId },
  /** Failure of one request (`id` set) or of the agent itself (`id` null, the agent then exits). */
  error: { id: nullable(requestId), code: oneOf(...Object.values(ErrorCode)), message: string },
} as const satisfies Record<string, Shape>;

export type MessageType = keyof typeof messages;
/** The agent message of one type. */
export type MessageOf<T extends MessageType> = { type: T } & Infer<(typeof messages)[T]>;
export type AgentMessage = { [T in MessageType]: MessageOf<T> }[MessageType];

export type ProgressEvent = MessageOf<'progress'>;
export type RunResult = MessageOf<'result'>;

// ---- controller -> agent -------------------------------------------------------------

/**
 * Every request, by type: its fields (`id` is checked first, so that a bad request can be
 * answered), the message type that answers it, and the interim events it may send before.
 */
export const requests = {
  hello: { fields: {}, reply: 'hello', events: [] },
  /** Clock probe: `t0` is the controller's send time (controller clock, ns). */
  ping: { fields: { t0: number }, reply: 'pong', events: [] },
  load: {
    fields: {
      /** Path of the .onnx file on the agent's machine. */
      model: described(nonEmptyString, 'a file path'),
      /** When given, the agent checks the file's sha256 before loading. */
      sha256: optional(matching(/^[0-9a-fA-F]{64}$/, '64 hex digits')),
      precision,
      /** onnxruntime intraOpNumThreads. */
      intraOpThreads: positive,
      /** onnxruntime interOpNumThreads. @default 1 */
      interOpThreads: optional(positive),
      /** Batch of the input tensor prepared by `run` (it can be changed per run). */
      batch: positive,
    },
    reply: 'loaded',
    events: [],
  },
  run: {
    fields: {
      /** Agent-clock instant (ns) at which warmup starts; the agent spins for the last millisecond. Omitted: now. */
      startAt: optional(agentTime),
      /** Batches run before measuring. */
      warmup: count,
      /** Measured batches; with `durationMs` it is the minimum count. */
      steps: count,
      /** When set, measure for this long (and at least `steps` batches). */
      durationMs: optional(positiveNumber),
      batch: positive,
      /** Progress events at most this often. @default 1000 */
      progressEveryMs: optional(positiveNumber),
    },
    reply: 'result',
    events: ['progress'],
  },
  /**
   * Serves a query schedule generated by the agent (never shaped by the controller's network):
   * `server` Poisson arrivals at `qps` from `seed`, `offline` all `minQueries` at the origin.
   * Warmup batches run on receipt, before `startAt`; the schedule's origin is `startAt`.
   */
  serve: {
    fields: {
      scenario,
      /** Agent-clock instant (ns) of the schedule's origin. Omitted: after warmup. */
      startAt: optional(agentTime),
      /** Batches of `maxBatch` run on every session before the origin. */
      warmup: count,
      /** server: mean arrival rate, queries/s. */
      qps: optional(positiveNumber),
      /** server: seed of the arrival schedule. @default 1 */
      seed: optional(count),
      /** At least this many queries. */
      minQueries: positive,
      /** server: the schedule spans at least this long (ms). */
      minDurationMs: nonNegativeNumber,
      /** In-flight batches (sessions). 1: the main thread's session; more: one worker session each. @default 1 */
      concurrency: optional(positive),
      /** Most queries per batch (dynamic batching when > 1). @default 1 */
      maxBatch: optional(positive),
      /** Longest wait of the oldest query for a fuller batch, ms. @default 0 */
      maxQueueDelayMs: optional(nonNegativeNumber),
      /** Stop dispatching once a query waited this long (an overloaded service); the rest stay unserved. */
      giveUpMs: optional(positiveNumber),
      /** Progress events at most this often. @default 1000 */
      progressEveryMs: optional(positiveNumber),
    },
    reply: 'served',
    events: ['progress'],
  },
  /** Ends a running `run` or `serve` early; it still answers with its samples, `stopped: true`. */
  stop: { fields: {}, reply: 'ok', events: [] },
  /** Releases the session and ends the agent process. */
  bye: { fields: {}, reply: 'ok', events: [] },
} as const satisfies Record<string, { fields: Shape; reply: MessageType; events: readonly MessageType[] }>;

export type RequestType = keyof typeof requests;
/** The request of one type. */
export type RequestOf<T extends RequestType> = { type: T; id: number } & Infer<(typeof requests)[T]['fields']>;
export type Request = { [T in RequestType]: RequestOf<T> }[RequestType];

export type LoadRequest = RequestOf<'load'>;
export type RunRequest = RequestOf<'run'>;
export type ServeRequest = RequestOf<'serve'>;
export type ServedResult = MessageOf<'served'>;

/** What each request is answered with (the final message of that id). */
export type ResponseFor = { [T in RequestType]: MessageOf<(typeof requests)[T]['reply']> };

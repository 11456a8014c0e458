// Turns a schema-valid config document into the typed Config: defaults filled in, ids
// normalized, references between workloads and configurations checked (with locations).
import { PRECISIONS, type Precision } from '../core/vocabulary.js';
import { parseCpuList } from '../../agent/cpu-list.js';
import type { Config, Configuration, Measure, NoiseThresholds, ServingRun, VmSettings, WorkloadConfig } from './types.js';
import { resolveFromFile } from './resolve-path.js';
import type { Problems } from './problems.js';
import type { YamlSource } from './yaml-source.js';

/** The study's measuring: warmup_steps=250 steps=500. */
export const DEFAULT_MEASURE: Measure = { warmup: 250, steps: 500, repeats: 3 };
/** Short probes for thread tuning (latency); a probe runs once. */
export const DEFAULT_LATENCY_PROBE: Measure = { warmup: 5, steps: 20, repeats: 1 };
/** Short probes for the multistream batch search. */
export const DEFAULT_MULTISTREAM_PROBE: Measure = { warmup: 2, steps: 10, repeats: 1 };
/** Noise thresholds (README "Noise detection"). */
export const DEFAULT_NOISE: NoiseThresholds = { maxStealFraction: 0.02, maxPreemptionsPerSecond: 50, maxOutlierFraction: 0.05, maxMeanMedianDivergence: 0.1, maxTrialCv: 0.1 };
/** Server scenario defaults: small enough for a demo (LoadGen's own are in the README). */
export const DEFAULT_SERVER_RUN: ServingRun = { minQueries: 1024, minDurationMs: 10_000 };
export const DEFAULT_SERVER_PROBE: ServingRun = { minQueries: 256, minDurationMs: 2000 };
export const DEFAULT_OFFLINE_RUN: ServingRun = { minQueries: 1024, minDurationMs: 10_000 };
export const DEFAULT_SERVER_BOUND_MS = 15;
export const DEFAULT_PRECISIONS: Precision[] = [...PRECISIONS];

// The raw document after schema validation: the shapes are guaranteed, defaults are not.
interface RawMeasure {
  warmup?: number;
  steps?: number;
  durationMs?: number;
  repeats?: number;
}
interface RawServingRun {
  minQueries?: number;
  minDurationMs?: number;
}
interface RawWorkload {
  kind: WorkloadConfig['kind'];
  configuration?: string | number;
  configurations?: (string | number)[];
  batch?: number;
  threads?: number | number[];
  /** Measure (latency, multistream) or ServingRun (server). */
  probe?: RawMeasure & RawServingRun;
  precisions?: Precision[];
  measure?: RawMeasure;
  baremetalInstances?: number[];
  boundMs?: number;
  statistic?: 'mean' | 'p99';
  maxBatch?: number;
  concurrency?: number;
  warmup?: number;
  minQueries?: number;
  minDurationMs?: number;
  maxQueueDelayMs?: number;
  seed?: number;
  tolerance?: number;
  maxProbes?: number;
  minQpsFraction?: number;
}
interface RawConfiguration {
  id: string | number;
  vms: number;
  vcpus: number;
  memoryGB: number;
  coresPerSocket?: number;
  latencySensitivity?: 'normal' | 'high';
  cpuReservationMHz?: number;
  memoryReservation?: number | 'all';
  cpuAffinity?: string[];
}
interface RawConfig {
  name: string;
  model: { arch: string; int8Path?: string; seed?: number };
  precisions?: Precision[];
  measure?: RawMeasure;
  baremetal?: boolean;
  startLeadMs?: number;
  maxSkewFraction?: number;
  noise?: Partial<NoiseThresholds>;
  equivalenceMargin?: number;
  configurations: RawConfiguration[];
  workloads: RawWorkload[];
}

function mergeMeasure(base: Measure, over: RawMeasure | undefined): Measure {
  const merged: Measure = { warmup: over?.warmup ?? base.warmup, steps: over?.steps ?? base.steps, repeats: over?.repeats ?? base.repeats };
  const durationMs = over?.durationMs ?? base.durationMs;
  if (durationMs !== undefined) merged.durationMs = durationMs;
  return merged;
}

function servingRun(base: ServingRun, over: RawServingRun | undefined): ServingRun {
  return { minQueries: over?.minQueries ?? base.minQueries, minDurationMs: over?.minDurationMs ?? base.minDurationMs };
}

/** An arch name stays a name; anything that looks like a file path resolves against the config. */
function resolveArch(file: string, arch: string): string {
  return /[/\\]|\.onnx$/i.test(arch) ? resolveFromFile(file, arch) : arch;
}

/** A row's VM settings, checked against its size and each other (the combinations vSphere refuses). */
function vmSettings(source: YamlSource, c: RawConfiguration, at: (string | number)[]): VmSettings | undefined {
  const settings: VmSettings = {};
  if (c.coresPerSocket !== undefined) {
    if (c.vcpus % c.coresPerSocket !== 0) throw source.error([...at, 'coresPerSocket'], `must divide the row's ${c.vcpus} vCPUs`, c.coresPerSocket);
    settings.coresPerSocket = c.coresPerSocket;
  }
  if (c.cpuReservationMHz !== undefined) settings.cpuReservationMHz = c.cpuReservationMHz;
  if (c.memoryReservation !== undefined) {
    const memoryMB = Math.round(c.memoryGB * 1024);
    if (c.memoryReservation !== 'all' && c.memoryReservation > memoryMB) throw source.error([...at, 'memoryReservation'], `exceeds the VM's ${memoryMB} MB (use 'all' to reserve all of it)`, c.memoryReservation);
    settings.memoryReservation = c.memoryReservation;
  }
  if (c.latencySensitivity !== undefined) {
    const full = c.memoryReservation === 'all' || c.memoryReservation === Math.round(c.memoryGB * 1024);
    if (c.latencySensitivity === 'high' && !full) {
      throw source.error([...at, 'latencySensitivity'], "high needs a full memory reservation (vSphere refuses it otherwise): add 'memoryReservation: all'", c.latencySensitivity);
    }
    settings.latencySensitivity = c.latencySensitivity;
  }
  if (c.cpuAffinity !== undefined) {
    const lists = c.cpuAffinity;
    if (lists.length !== c.vms) throw source.error([...at, 'cpuAffinity'], `needs one CPU list per VM (${c.vms}), got ${lists.length}`, lists);
    settings.cpuAffinity = lists.map((text, j) => {
      const cpus = parseCpuList(text);
      if (cpus.length < c.vcpus) throw source.error([...at, 'cpuAffinity', j], `names ${cpus.length} logical CPU(s), fewer than the VM's ${c.vcpus} vCPUs`, text);
      return cpus;
    });
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}

/** Builds the Config from a schema-valid source; semantic errors go to `problems` (the caller throws). */
export function buildConfig(source: YamlSource, problems: Problems): Config {
  const raw = source.data as RawConfig;
  const configurations: Configuration[] = [];
  const seen = new Map<string, number>();
  raw.configurations.forEach((c, i) => {
    const id = String(c.id);
    const first = seen.get(id);
    if (first !== undefined) problems.add(source.error(['configurations', i, 'id'], `duplicate configuration id (first at configurations[${first}])`, c.id));
    else seen.set(id, i);
    const row: Configuration = { id, vms: c.vms, vcpus: c.vcpus, memoryGB: c.memoryGB };
    const settings = vmSettings(source, c, ['configurations', i]);
    if (settings) row.settings = settings;
    configurations.push(row);
  });

  const baseMeasure = mergeMeasure(DEFAULT_MEASURE, raw.measure);
  const basePrecisions = raw.precisions ?? DEFAULT_PRECISIONS;
  const ref = (path: (string | number)[], value: string | number): string => {
    const id = String(value);
    if (!seen.has(id)) problems.add(source.error(path, `unknown configuration (defined: ${[...seen.keys()].join(', ')})`, value));
    return id;
  };

  const cellKeys = new Map<string, number>();
  const claim = (key: string, i: number, path: (string | number)[], value: unknown): void => {
    const first = cellKeys.get(key);
    if (first !== undefined) problems.add(source.error(path, `workload repeats workloads[${first}] on the same configuration`, value));
    else cellKeys.set(key, i);
  };

  const workloads: WorkloadConfig[] = raw.workloads.map((w, i): WorkloadConfig => {
    const at = ['workloads', i];
    const common = { precisions: w.precisions ?? basePrecisions, measure: mergeMeasure(baseMeasure, w.measure) };
    switch (w.kind) {
      case 'latency': {
        const configuration = ref([...at, 'configuration'], w.configuration ?? '');
        claim(`latency/${configuration}`, i, [...at, 'configuration'], w.configuration);
        const out: WorkloadConfig = { kind: 'latency', configuration, batch: w.batch ?? 1, probe: mergeMeasure(DEFAULT_LATENCY_PROBE, w.probe), ...common };
        if (Array.isArray(w.threads)) out.threads = [...new Set(w.threads)].sort((a, b) => a - b);
        return out;
      }
      case 'throughput': {
        const configuration = ref([...at, 'configuration'], w.configuration ?? '');
        claim(`throughput/${configuration}`, i, [...at, 'configuration'], w.configuration);
        const out: WorkloadConfig = { kind: 'throughput', configuration, batch: w.batch ?? 1024, ...common };
        if (typeof w.threads === 'number') out.threads = w.threads;
        return out;
      }
      case 'scaling': {
        const list = w.configurations ?? [];
        const ids = list.map((c, j) => ref([...at, 'configurations', j], c));
        ids.forEach((id, j) => claim(`scaling/${id}`, i, [...at, 'configurations', j], list[j]));
        const out: WorkloadConfig = { kind: 'scaling', configurations: ids, batch: w.batch ?? 1, ...common };
        if (typeof w.threads === 'number') out.threads = w.threads;
        if (w.baremetalInstances) {
          const counts = w.baremetalInstances;
          const dup = counts.findIndex((n, j) => counts.indexOf(n) !== j);
          if (dup >= 0) problems.add(source.error([...at, 'baremetalInstances', dup], 'repeats an instance count', counts[dup]));
          out.baremetalInstances = [...counts];
        }
        return out;
      }
      case 'multistream': {
        const configuration = ref([...at, 'configuration'], w.configuration ?? '');
        claim(`multistream/${configuration}`, i, [...at, 'configuration'], w.configuration);
        const out: WorkloadConfig = {
          kind: 'multistream',
          configuration,
          boundMs: w.boundMs ?? 33.3,
          statistic: w.statistic ?? 'mean',
          maxBatch: w.maxBatch ?? 1024,
          probe: mergeMeasure(DEFAULT_MULTISTREAM_PROBE, w.probe),
          ...common,
        };
        if (typeof w.threads === 'number') out.threads = w.threads;
        return out;
      }
      case 'server':
      case 'offline': {
        const configuration = ref([...at, 'configuration'], w.configuration ?? '');
        claim(`${w.kind}/${configuration}`, i, [...at, 'configuration'], w.configuration);
        const execution = {
          configuration,
          concurrency: w.concurrency ?? 1,
          warmup: w.warmup ?? 10,
          run: servingRun(w.kind === 'server' ? DEFAULT_SERVER_RUN : DEFAULT_OFFLINE_RUN, { minQueries: w.minQueries, minDurationMs: w.minDurationMs }),
          ...(typeof w.threads === 'number' ? { threads: w.threads } : {}),
          ...common,
        };
        if (w.kind === 'offline') return { kind: 'offline', maxBatch: w.maxBatch ?? 32, ...execution };
        return {
          kind: 'server',
          boundMs: w.boundMs ?? DEFAULT_SERVER_BOUND_MS,
          maxBatch: w.maxBatch ?? 1,
          maxQueueDelayMs: w.maxQueueDelayMs ?? 0,
          seed: w.seed ?? 1,
          probe: servingRun(DEFAULT_SERVER_PROBE, w.probe),
          tolerance: w.tolerance ?? 0.05,
          maxProbes: w.maxProbes ?? 8,
          minQpsFraction: w.minQpsFraction ?? 1 / 16,
          ...execution,
        };
      }
    }
  });

  const model: Config['model'] = { arch: resolveArch(source.file, raw.model.arch), seed: raw.model.seed ?? 1 };
  if (raw.model.int8Path !== undefined) model.int8Path = resolveFromFile(source.file, raw.model.int8Path);
  return {
    file: source.file,
    name: raw.name,
    model,
    configurations,
    workloads,
    baremetal: raw.baremetal ?? true,
    startLeadMs: raw.startLeadMs ?? 1500,
    maxSkewFraction: raw.maxSkewFraction ?? 0.05,
    noise: { ...DEFAULT_NOISE, ...raw.noise },
    equivalenceMargin: raw.equivalenceMargin ?? 0.01,
  };
}

// Turns a schema-valid config document into the typed Config: defaults filled in, ids
// normalized, references between workloads and configurations checked (with locations).
import { PRECISIONS, type Precision } from '../core/vocabulary.js';
import type { Config, Configuration, Measure, NoiseThresholds, WorkloadConfig } from './types.js';
import { resolveFromFile } from './resolve-path.js';
import type { YamlSource } from './yaml-source.js';

/** The study's measuring: warmup_steps=250 steps=500. */
export const DEFAULT_MEASURE: Measure = { warmup: 250, steps: 500, repeats: 3 };
/** Short probes for thread tuning (latency); a probe runs once. */
export const DEFAULT_LATENCY_PROBE: Measure = { warmup: 5, steps: 20, repeats: 1 };
/** Short probes for the multistream batch search. */
export const DEFAULT_MULTISTREAM_PROBE: Measure = { warmup: 2, steps: 10, repeats: 1 };
/** Noise thresholds (README "Noise detection"). */
export const DEFAULT_NOISE: NoiseThresholds = { maxStealFraction: 0.02, maxPreemptionsPerSecond: 50, maxOutlierFraction: 0.05, maxMeanMedianDivergence: 0.1, maxTrialCv: 0.1 };
export const DEFAULT_PRECISIONS: Precision[] = [...PRECISIONS];

// The raw document after schema validation: the shapes are guaranteed, defaults are not.
interface RawMeasure {
  warmup?: number;
  steps?: number;
  durationMs?: number;
  repeats?: number;
}
interface RawWorkload {
  kind: WorkloadConfig['kind'];
  configuration?: string | number;
  configurations?: (string | number)[];
  batch?: number;
  threads?: number | number[];
  probe?: RawMeasure;
  precisions?: Precision[];
  measure?: RawMeasure;
  baremetalInstances?: number[];
  boundMs?: number;
  statistic?: 'mean' | 'p99';
  maxBatch?: number;
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
  configurations: { id: string | number; vms: number; vcpus: number; memoryGB: number }[];
  workloads: RawWorkload[];
}

function mergeMeasure(base: Measure, over: RawMeasure | undefined): Measure {
  const merged: Measure = { warmup: over?.warmup ?? base.warmup, steps: over?.steps ?? base.steps, repeats: over?.repeats ?? base.repeats };
  const durationMs = over?.durationMs ?? base.durationMs;
  if (durationMs !== undefined) merged.durationMs = durationMs;
  return merged;
}

/** An arch name stays a name; anything that looks like a file path resolves against the config. */
function resolveArch(file: string, arch: string): string {
  return /[/\\]|\.onnx$/i.test(arch) ? resolveFromFile(file, arch) : arch;
}

/** Builds the Config from a schema-valid source; throws ConfigError on semantic errors. */
export function buildConfig(source: YamlSource): Config {
  const raw = source.data as RawConfig;
  const configurations: Configuration[] = [];
  const seen = new Map<string, number>();
  raw.configurations.forEach((c, i) => {
    const id = String(c.id);
    const first = seen.get(id);
    if (first !== undefined) throw source.error(['configurations', i, 'id'], `duplicate configuration id (first at configurations[${first}])`, c.id);
    seen.set(id, i);
    configurations.push({ id, vms: c.vms, vcpus: c.vcpus, memoryGB: c.memoryGB });
  });

  const baseMeasure = mergeMeasure(DEFAULT_MEASURE, raw.measure);
  const basePrecisions = raw.precisions ?? DEFAULT_PRECISIONS;
  const ref = (path: (string | number)[], value: string | number): string => {
    const id = String(value);
    if (!seen.has(id)) throw source.error(path, `unknown configuration (defined: ${[...seen.keys()].join(', ')})`, value);
    return id;
  };

  const cellKeys = new Map<string, number>();
  const claim = (key: string, i: number, path: (string | number)[], value: unknown): void => {
    const first = cellKeys.get(key);
    if (first !== undefined) throw source.error(path, `workload repeats workloads[${first}] on the same configuration`, value);
    cellKeys.set(key, i);
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
          if (dup >= 0) throw source.error([...at, 'baremetalInstances', dup], 'repeats an instance count', counts[dup]);
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

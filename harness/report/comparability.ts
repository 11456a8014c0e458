// Before `compare` prints a ratio: are the two runs comparable at all? Differences that make
// a ratio meaningless (another model, another batch, other VM sizes) refuse the comparison
// unless --force; differences worth knowing (measuring, versions, CPU, workloads) are caveats.
import { ExitCode, VharnessError } from '../errors.js';
import type { LoadedRun } from '../results/run-reader.js';
import type { CellPair, RunComparison } from './compare-cells.js';

export interface Comparability {
  /** Why the comparison is meaningless; empty when it is not. */
  refusals: string[];
  /** Differences printed next to the comparison. */
  caveats: string[];
}

/** Thrown when two runs cannot be compared (exit 2, like other bad input); --force overrides. */
export class IncomparableRunsError extends VharnessError {
  constructor(refusals: readonly string[]) {
    super(`the runs are not comparable:\n  - ${refusals.join('\n  - ')}`, ExitCode.usage, { hint: 'pass --force to compare anyway (the ratios will not mean what they seem to)' });
  }
}

const short = (sha: string): string => `${sha.slice(0, 12)}...`;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `kind -> warmup/steps/repeats/duration` of the workloads in a manifest's config. */
function measuring(run: LoadedRun): Map<string, string> {
  const out = new Map<string, string>();
  const config = run.manifest?.config;
  const workloads = isRecord(config) && Array.isArray(config.workloads) ? config.workloads : [];
  for (const w of workloads) {
    if (!isRecord(w) || typeof w.kind !== 'string' || !isRecord(w.measure)) continue;
    const m = w.measure;
    out.set(w.kind, `warmup ${String(m.warmup)}, steps ${String(m.steps)}, repeats ${String(m.repeats ?? 1)}${m.durationMs === undefined ? '' : `, ${String(m.durationMs)} ms`}`);
  }
  return out;
}

function hostValues(run: LoadedRun, pick: (s: NonNullable<NonNullable<LoadedRun['manifest']>['hosts'][number]['sysinfo']>) => string): string[] {
  const values = new Set<string>();
  for (const h of run.manifest?.hosts ?? []) if (h.sysinfo && !h.name.startsWith('controller:')) values.add(pick(h.sysinfo));
  return [...values].sort();
}

function differs(label: string, a: readonly string[], b: readonly string[]): string | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const same = a.length === b.length && a.every((v, i) => v === b[i]);
  return same ? undefined : `${label}: A ${a.join(', ')}; B ${b.join(', ')}`;
}

function sizeOf(p: CellPair, side: 'a' | 'b'): string {
  const c = p[side];
  return c.vcpus_per_instance === null ? 'unpartitioned' : `${c.vcpus_per_instance} vCPU / ${c.memory_gb_per_instance ?? '?'} GB`;
}

/** Checks two loaded runs and their matched cells. */
export function checkComparability(a: LoadedRun, b: LoadedRun, comparison: RunComparison): Comparability {
  const refusals: string[] = [];
  const caveats: string[] = [];
  const modelsA = a.summary.model;
  const modelsB = b.summary.model;
  const precisions = new Set(comparison.pairs.filter((p) => p.precisionA === p.precisionB).map((p) => p.precisionA));
  for (const precision of precisions) {
    const ma = modelsA[precision];
    const mb = modelsB[precision];
    if (ma && mb && ma.sha256 !== mb.sha256) refusals.push(`the ${precision} models differ (sha256 ${short(ma.sha256)} in A, ${short(mb.sha256)} in B): another model is another measurement`);
  }
  if (comparison.crossPrecision && modelsA.arch && modelsB.arch && modelsA.arch !== modelsB.arch) refusals.push(`the models differ (${modelsA.arch} in A, ${modelsB.arch} in B)`);
  const batches = comparison.pairs.filter((p) => p.workload !== 'multistream' && p.a.batch !== p.b.batch);
  if (batches.length > 0) refusals.push(`batch sizes differ: ${batches.map((p) => `${p.match} (A ${p.a.batch}, B ${p.b.batch})`).join(', ')}`);
  // Server QPS is the rate found within a bound: another bound or batching is another question.
  const serving = (p: CellPair, side: 'a' | 'b'): string => {
    const s = p[side].server;
    return s ? `p99 <= ${s.bound_ms} ms, ${s.concurrency} x batch ${s.max_batch}` : '';
  };
  const servers = comparison.pairs.filter((p) => p.workload === 'server' && serving(p, 'a') !== serving(p, 'b'));
  if (servers.length > 0) refusals.push(`server scenarios differ: ${servers.map((p) => `${p.match} (A ${serving(p, 'a') || 'not recorded'}, B ${serving(p, 'b') || 'not recorded'})`).join(', ')}`);
  const sizes = comparison.pairs.filter((p) => sizeOf(p, 'a') !== sizeOf(p, 'b'));
  if (sizes.length > 0) refusals.push(`configuration sizes differ: ${sizes.map((p) => `${p.match} (A ${sizeOf(p, 'a')}, B ${sizeOf(p, 'b')})`).join(', ')}`);

  if (a.dir === b.dir) caveats.push('A and B are the same run directory: every ratio compares a run with itself');
  if (!a.manifest || !b.manifest) caveats.push(`no manifest.json in ${!a.manifest ? 'A' : 'B'}: measuring, versions and CPU cannot be checked`);
  const ma = measuring(a);
  const mb = measuring(b);
  for (const [kind, text] of ma) {
    const other = mb.get(kind);
    if (other !== undefined && other !== text) caveats.push(`${kind} measured differently: A ${text}; B ${other}`);
  }
  const workloadsA = [...new Set(a.summary.cells.map((c) => c.workload))].sort();
  const workloadsB = [...new Set(b.summary.cells.map((c) => c.workload))].sort();
  const w = differs('workloads differ', workloadsA, workloadsB);
  if (w) caveats.push(w);
  if (a.manifest && b.manifest && a.manifest.versions.onnxruntime !== b.manifest.versions.onnxruntime) caveats.push(`onnxruntime versions differ: A ${a.manifest.versions.onnxruntime}, B ${b.manifest.versions.onnxruntime}`);
  for (const c of [differs('agent versions differ', hostValues(a, (s) => s.agentVersion), hostValues(b, (s) => s.agentVersion)), differs('CPU models differ', hostValues(a, (s) => s.cpuModel), hostValues(b, (s) => s.cpuModel))]) {
    if (c) caveats.push(c);
  }
  return { refusals, caveats };
}

// The multistream batch search (DESIGN.md): the largest batch whose latency statistic stays
// within the bound, by exponential growth (1, 2, 4, ...) then binary search between the last
// batch within the bound and the first beyond it. The probe is injected, so this is testable
// against a fake latency function.

export interface ProbeOutcome {
  /** The bounded statistic (mean or p99) of the probe, ms. */
  latencyMs: number;
  throughputIps: number;
}

export interface SearchProbe {
  batch: number;
  latencyMs: number;
  throughputIps: number;
  withinBound: boolean;
}

export interface SearchResult {
  /** Largest batch found within the bound; 0 when even batch 1 exceeds it. */
  batch: number;
  probes: SearchProbe[];
}

export interface SearchOptions {
  boundMs: number;
  /** Largest batch tried. */
  maxBatch: number;
  probe(batch: number): Promise<ProbeOutcome>;
  /** Called after each probe (progress). */
  onProbe?(probe: SearchProbe): void;
}

export async function searchMultistreamBatch(options: SearchOptions): Promise<SearchResult> {
  const { boundMs, maxBatch } = options;
  if (!(boundMs > 0)) throw new RangeError(`Expected boundMs > 0, got ${boundMs}`);
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`Expected maxBatch to be an integer >= 1, got ${maxBatch}`);
  const probes: SearchProbe[] = [];
  const tried = new Map<number, boolean>();
  const run = async (batch: number): Promise<boolean> => {
    const known = tried.get(batch);
    if (known !== undefined) return known;
    const outcome = await options.probe(batch);
    const probe: SearchProbe = { batch, latencyMs: outcome.latencyMs, throughputIps: outcome.throughputIps, withinBound: outcome.latencyMs <= boundMs };
    probes.push(probe);
    tried.set(batch, probe.withinBound);
    options.onProbe?.(probe);
    return probe.withinBound;
  };

  // Exponential phase: good = largest batch within the bound so far, bad = first beyond it.
  let good = 0;
  let bad: number | undefined;
  for (let batch = 1; ; batch = Math.min(batch * 2, maxBatch)) {
    if (await run(batch)) {
      good = batch;
      if (batch === maxBatch) return { batch: good, probes };
    } else {
      bad = batch;
      break;
    }
  }
  // Binary phase between good (within) and bad (beyond).
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (await run(mid)) good = mid;
    else bad = mid;
  }
  return { batch: good, probes };
}

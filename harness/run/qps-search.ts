// The server scenario's search (like multistream's batch search): the highest arrival rate
// whose p99 latency stays within the bound. The closed-loop capacity bounds the answer from
// above (a queue fed faster than it drains grows without limit), so the search bisects
// [0, capacity] until the bracket is within a relative tolerance; should the capacity
// estimate turn out low (its top end passes), the bracket grows by half and the search goes
// on. It never probes below a floor (by default 1/16 of the capacity): a probe holds a
// minimum query count, so a low rate means a long probe. The probe is injected, so this is tested against a synthetic service.

export interface QpsProbeOutcome {
  /** p99 latency of the probe, ms (Infinity when queries went unserved). */
  p99Ms: number;
}

export interface QpsProbe {
  qps: number;
  p99Ms: number;
  withinBound: boolean;
}

export interface QpsSearchResult {
  /** Highest rate found within the bound; 0 when no rate tried was. */
  qps: number;
  probes: QpsProbe[];
}

export interface QpsSearchOptions {
  boundMs: number;
  /** Closed-loop throughput of the same instance, queries/s: the upper end of the first bracket. */
  capacityQps: number;
  /** Stop when (high - low) / high is at most this. @default 0.05 */
  tolerance?: number;
  /** Most probes. @default 8 */
  maxProbes?: number;
  /** No probe below this rate: a probe of a fixed query count lasts longer the lower its rate. @default capacityQps / 16 */
  floorQps?: number;
  probe(qps: number): Promise<QpsProbeOutcome>;
  onProbe?(probe: QpsProbe): void;
}

export async function searchServerQps(options: QpsSearchOptions): Promise<QpsSearchResult> {
  const { boundMs, capacityQps } = options;
  const tolerance = options.tolerance ?? 0.05;
  const maxProbes = options.maxProbes ?? 8;
  if (!(boundMs > 0)) throw new RangeError(`Expected boundMs > 0, got ${boundMs}`);
  if (!(capacityQps > 0) || !Number.isFinite(capacityQps)) throw new RangeError(`Expected capacityQps to be a number > 0, got ${capacityQps}`);
  if (!(tolerance > 0 && tolerance < 1)) throw new RangeError(`Expected tolerance in (0, 1), got ${tolerance}`);
  if (!Number.isInteger(maxProbes) || maxProbes < 1) throw new RangeError(`Expected maxProbes to be an integer >= 1, got ${maxProbes}`);

  const probes: QpsProbe[] = [];
  let low = 0; // highest rate known within the bound (0: none yet)
  let high = capacityQps; // lowest rate known (or assumed) beyond it
  let highProbed = false;
  const floor = options.floorQps ?? capacityQps / 16;
  while (probes.length < maxProbes) {
    const narrow = high - low <= tolerance * high;
    if (narrow && highProbed) break;
    // A narrow bracket whose top was only assumed: try the top itself.
    const qps = narrow ? high : (low + high) / 2;
    if (qps < floor) break;
    const outcome = await options.probe(qps);
    const probe: QpsProbe = { qps, p99Ms: outcome.p99Ms, withinBound: outcome.p99Ms <= boundMs };
    probes.push(probe);
    options.onProbe?.(probe);
    if (probe.withinBound) {
      low = qps;
      if (qps === high) {
        high *= 1.5;
        highProbed = false;
      }
    } else {
      high = qps;
      highProbed = true;
    }
  }
  return { qps: low, probes };
}

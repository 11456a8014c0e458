// The server scenario's arrival schedule: a seeded Poisson process (exponential gaps of mean
// 1/qps), generated on the agent so the controller's network never shapes the arrivals.
// Like LoadGen, queries are added until both the minimum count and the minimum span are met.

export interface PoissonScheduleOptions {
  /** Mean arrival rate, queries per second. */
  qps: number;
  /** Same seed, same schedule (on every machine). */
  seed: number;
  /** At least this many queries. */
  minQueries: number;
  /** The last arrival is at least this far (ms) after the origin. */
  minDurationMs: number;
  /** Refuse schedules longer than this (a rate x duration typo must not exhaust memory). */
  maxQueries: number;
}

/** The most queries one run may schedule. */
export const MAX_SCHEDULED_QUERIES = 2_000_000;

/** Uniform numbers in (0, 1) from a 32-bit seed (mulberry32): small, fast, reproducible. */
export function uniformSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // + 0.5 keeps the value strictly inside (0, 1), so log() below never sees 0.
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** Arrival times in ms after the origin (ascending; the first gap is random too). */
export function poissonSchedule(options: PoissonScheduleOptions): number[] {
  const { qps, minQueries, minDurationMs, maxQueries } = options;
  if (!(qps > 0) || !Number.isFinite(qps)) throw new RangeError(`Expected qps to be a number > 0, got ${qps}`);
  if (!Number.isInteger(minQueries) || minQueries < 1) throw new RangeError(`Expected minQueries to be an integer >= 1, got ${minQueries}`);
  if (!(minDurationMs >= 0)) throw new RangeError(`Expected minDurationMs to be a number >= 0, got ${minDurationMs}`);
  const expected = Math.max(minQueries, (qps * minDurationMs) / 1000);
  if (expected > maxQueries) {
    throw new RangeError(`${qps} queries/s for ${minDurationMs} ms is about ${Math.ceil(expected)} queries, more than the ${maxQueries} a run may schedule`);
  }
  const uniform = uniformSource(options.seed);
  const meanGapMs = 1000 / qps;
  const arrivals: number[] = [];
  let t = 0;
  while (arrivals.length < minQueries || t < minDurationMs) {
    if (arrivals.length >= maxQueries) throw new RangeError(`the schedule needs more than ${maxQueries} queries`);
    t += -Math.log(uniform()) * meanGapMs;
    arrivals.push(t);
  }
  return arrivals;
}

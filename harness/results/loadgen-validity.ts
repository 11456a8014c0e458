// Whether an open-loop run counts, the way MLPerf LoadGen decides it (pure): minimum query
// count, minimum duration (server: the last scheduled arrival; offline: the last completion),
// and for the server scenario early stopping: with t queries over the bound among n, the
// claim "the p99 is within the bound" needs n >= h + t, where h is the fewest passing queries
// for which seeing t or fewer failures would be unlikely (probability <= 1 - confidence) if
// the true share over the bound were 1 - p (LoadGen's MinPassingQueriesFinder, tolerance 0).

/** ln P(X <= t) for X ~ Binomial(n, q). */
function logBinomialCdf(t: number, n: number, q: number): number {
  const lq = Math.log(q);
  const lp = Math.log1p(-q);
  let logChoose = 0;
  let max = -Infinity;
  const terms: number[] = [];
  for (let x = 0; x <= Math.min(t, n); x++) {
    if (x > 0) logChoose += Math.log(n - x + 1) - Math.log(x);
    const term = logChoose + x * lq + (n - x) * lp;
    terms.push(term);
    if (term > max) max = term;
  }
  let sum = 0;
  for (const term of terms) sum += Math.exp(term - max);
  return max + Math.log(sum);
}

/**
 * The fewest queries within the bound (h) that, next to `overBound` queries beyond it, support
 * "the `percentile` (e.g. 0.99) latency is within the bound" with `confidence` (e.g. 0.99).
 */
export function minPassingQueries(overBound: number, percentile: number, confidence: number): number {
  if (!Number.isInteger(overBound) || overBound < 0) throw new RangeError(`Expected overBound to be an integer >= 0, got ${overBound}`);
  if (!(percentile > 0 && percentile < 1)) throw new RangeError(`Expected percentile in (0, 1), got ${percentile}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`Expected confidence in (0, 1), got ${confidence}`);
  const limit = Math.log(1 - confidence);
  const passes = (h: number): boolean => logBinomialCdf(overBound, h + overBound, 1 - percentile) <= limit;
  let low = Math.max(0, Math.floor(Math.log(1 - confidence) / Math.log(percentile)) - 1);
  let high = Math.max(1, low);
  while (!passes(high)) {
    low = high;
    high *= 2;
  }
  // Smallest passing h in (low, high].
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (passes(mid)) high = mid;
    else low = mid;
  }
  return passes(low) ? low : high;
}

export interface ValidityRules {
  minQueries: number;
  minDurationMs: number;
}

export interface EarlyStopping {
  /** Queries over the bound (unserved ones included). */
  over_bound: number;
  /** Queries the run needed in total for the p99 claim (h + over_bound). */
  queries_needed: number;
  passed: boolean;
}

export interface RunValidity {
  min_queries_met: boolean;
  min_duration_met: boolean;
  early_stopping?: EarlyStopping;
  /** Why the run does not count, in words; empty when it does. */
  reasons: string[];
}

export interface ServerRunFacts {
  /** Latencies of the served queries, ms. */
  latenciesMs: readonly number[];
  unserved: number;
  /** Last scheduled arrival, ms after the origin. */
  lastArrivalMs: number;
  boundMs: number;
  /** @default 0.99 */
  percentile?: number;
  /** @default 0.99 */
  confidence?: number;
}

const pct = (v: number): string => `${Math.round(v * 1000) / 10}`;

/** Minimum count and duration: `spanMs` is how far the run got (server: last scheduled arrival; offline: last completion). */
export function countValidity(queries: number, spanMs: number, rules: ValidityRules, spanWhat: string): RunValidity {
  const out: RunValidity = { min_queries_met: queries >= rules.minQueries, min_duration_met: spanMs >= rules.minDurationMs, reasons: [] };
  if (!out.min_queries_met) out.reasons.push(`only ${queries} queries, fewer than the minimum of ${rules.minQueries}`);
  if (!out.min_duration_met) out.reasons.push(`${spanWhat} ${(spanMs / 1000).toFixed(2)} s after the start, before the minimum duration of ${(rules.minDurationMs / 1000).toFixed(2)} s`);
  return out;
}

/** Early stopping on the bound: unserved queries count as over it. Reasons in words. */
export function earlyStoppingCheck(facts: Omit<ServerRunFacts, 'lastArrivalMs'>): { early_stopping: EarlyStopping; reasons: string[] } {
  const percentile = facts.percentile ?? 0.99;
  const confidence = facts.confidence ?? 0.99;
  const queries = facts.latenciesMs.length + facts.unserved;
  const over = facts.latenciesMs.filter((l) => l > facts.boundMs).length + facts.unserved;
  const needed = minPassingQueries(over, percentile, confidence) + over;
  const early_stopping = { over_bound: over, queries_needed: needed, passed: queries >= needed };
  const reasons: string[] = [];
  if (facts.unserved > 0) reasons.push(`${facts.unserved} of ${queries} queries were never served (the service fell too far behind)`);
  if (!early_stopping.passed) {
    reasons.push(
      `${over} of ${queries} queries over the ${facts.boundMs} ms bound: a p${pct(percentile)} within the bound needs at least ${needed} queries at ${pct(confidence)}% confidence (LoadGen early stopping)`,
    );
  }
  return { early_stopping, reasons };
}

/** Validity of one server run: minimum count and duration, then early stopping on the bound. */
export function serverRunValidity(facts: ServerRunFacts, rules: ValidityRules): RunValidity {
  const out = countValidity(facts.latenciesMs.length + facts.unserved, facts.lastArrivalMs, rules, 'the last query was scheduled');
  const check = earlyStoppingCheck(facts);
  return { ...out, early_stopping: check.early_stopping, reasons: [...out.reasons, ...check.reasons] };
}

/** Validity of an offline run: minimum count, and the last completion past the minimum duration. */
export function offlineRunValidity(queries: number, lastCompletionMs: number, rules: ValidityRules): RunValidity {
  return countValidity(queries, lastCompletionMs, rules, 'the last query completed');
}

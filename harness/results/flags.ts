// Validity flags (LoadGen style) as a typed union, each with the sentence the terminal and
// the report show instead of the code.

export const FLAG_WORDS = {
  instance_failed: 'an instance failed',
  warmup_incomplete: 'warmup did not complete',
  min_steps_not_met: 'fewer measured batches than the minimum step count',
  min_duration_not_met: 'measured for less than the minimum duration',
  stopped: 'stopped before the end',
  no_common_window: 'the instances never ran at the same time',
  skew_exceeds_bound: 'start skew exceeded the allowed fraction of the window',
  bound_not_met_at_batch_1: 'even batch 1 exceeded the latency bound',
  bound_exceeded_in_confirming_run: 'the latency bound was exceeded in a measured trial',
  // Open-loop scenarios (server, offline), LoadGen style.
  min_queries_not_met: 'fewer queries than the minimum query count',
  early_stopping_not_met: 'too few queries to support the p99 bound (early stopping)',
  gave_up_overloaded: 'the queue fell too far behind its schedule and stopped dispatching',
  late_start: 'warmup overran the common start (the schedule began late)',
  bound_not_met_at_any_qps: 'no offered rate kept the p99 within the bound',
} as const;

export type Flag = keyof typeof FLAG_WORDS;

export const FLAGS = Object.keys(FLAG_WORDS) as Flag[];

export function isFlag(value: unknown): value is Flag {
  return typeof value === 'string' && value in FLAG_WORDS;
}

/** The flags in words, e.g. `warmup did not complete; stopped before the end`. */
export function flagWords(flags: readonly Flag[]): string[] {
  return flags.map((f) => FLAG_WORDS[f]);
}

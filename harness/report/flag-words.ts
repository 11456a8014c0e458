// Validity flags as a reader understands them, for the report's tables.

const flagWords: Record<string, string> = {
  instance_failed: 'an instance failed',
  warmup_incomplete: 'warmup not completed',
  min_steps_not_met: 'fewer measured steps than asked',
  min_duration_not_met: 'shorter than the asked duration',
  stopped: 'stopped before the end',
  no_common_window: 'the instances never all ran at once',
};

/** A validity flag in words (`skew_exceeds_5pct` -> `start skew above 5% of the window`). */
export function flagInWords(flag: string): string {
  const skew = /^skew_exceeds_([\d.]+)pct$/.exec(flag);
  if (skew) return `start skew above ${skew[1]}% of the window`;
  return flagWords[flag] ?? flag.replace(/_/g, ' ');
}

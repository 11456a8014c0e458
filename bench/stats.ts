// The small statistics the bench prints: a median of repeated runs and a goal check.

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** `met` / `MISSED` against a minimum. */
export function goalMark(value: number | null, goal: number): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  return value >= goal ? 'met' : 'MISSED';
}

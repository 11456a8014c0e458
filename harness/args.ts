// Flag values checked where they are read, with errors as UsageError naming the flag and value.
import { isPrecision, PRECISIONS, type Precision } from './core/vocabulary.js';
import { UsageError } from './errors.js';

/** A positive integer flag value, or UsageError naming the flag and the value. */
export function intFlag(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`Expected --${name} to be an integer >= ${min}, got '${value}'`);
  return n;
}

/** A duration like `10s`, `500ms`, `2m` or a bare number of seconds, in ms. */
export function durationFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`Expected --${name} to be a duration like 10s, 500ms or 2m, got '${value}'`);
  return ms;
}

export function parseDuration(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return n * factor;
}

/** fp32 or int8 (the fallback when the flag is absent). */
export function precisionFlag(name: string, value: string | undefined, fallback: Precision): Precision;
export function precisionFlag(name: string, value: string | undefined): Precision | undefined;
export function precisionFlag(name: string, value: string | undefined, fallback?: Precision): Precision | undefined {
  if (value === undefined) return fallback;
  if (isPrecision(value)) return value;
  throw new UsageError(`Expected --${name} to be ${PRECISIONS.join(' or ')}, got '${value}'`);
}

// The --only and --precision flags shared by `run` and `plan`, validated where parsed.
import { PRECISIONS, WORKLOADS } from '../core/vocabulary.js';
import { UsageError } from '../errors.js';
import type { ExpandOptions } from './expand.js';

function list<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new UsageError(`Expected --${flag} to be one or more of ${allowed.join(', ')} (comma-separated), got '${item}'`);
  }
  if (items.length === 0) throw new UsageError(`Expected --${flag} to name at least one of ${allowed.join(', ')}, got '${value}'`);
  return items as T[];
}

/** ExpandOptions from the raw flag values. */
export function selectionFromFlags(only: string | undefined, precision: string | undefined): ExpandOptions {
  const out: ExpandOptions = {};
  const o = list('only', only, WORKLOADS);
  const p = list('precision', precision, PRECISIONS);
  if (o) out.only = o;
  if (p) out.precisions = p;
  return out;
}

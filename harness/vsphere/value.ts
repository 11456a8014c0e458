// The data model shared by the encoder and the decoder: what a vim25 value looks like in JS.
import { MoRef } from './moref.js';

/** A vim25 data object; `$type` becomes `xsi:type` (needed where the schema is polymorphic). */
export interface VimObject {
  readonly $type?: string;
  readonly [field: string]: VimValue;
}

/** Any value a request carries or a response holds. `undefined` fields are left out. */
export type VimValue = string | number | boolean | MoRef | VimObject | readonly VimValue[] | undefined;

/** A response value read back: arrays where an element repeats, a single value otherwise. */
export function asArray(value: VimValue): VimValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly VimValue[])] : [value];
}

export function isObject(value: VimValue): value is VimObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof MoRef);
}

/** Field `key` of an object value (undefined for anything else). */
export function field(value: VimValue, key: string): VimValue {
  return isObject(value) ? value[key] : undefined;
}

/** A dotted path through nested objects, e.g. `summary.config.numCpu`. */
export function fieldPath(value: VimValue, path: string): VimValue {
  let current = value;
  for (const key of path.split('.')) current = field(current, key);
  return current;
}

export function asString(value: VimValue): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A number from a typed (`xsd:int`) or untyped (text) value. */
export function asNumber(value: VimValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function asBoolean(value: VimValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

export function asMoRef(value: VimValue): MoRef | undefined {
  return value instanceof MoRef ? value : undefined;
}

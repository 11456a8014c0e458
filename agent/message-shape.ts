// Declarative field checks for protocol messages. A message's shape is written once (in
// protocol.ts) and gives both its TypeScript type (`Infer`) and its run-time check (`parseShape`),
// so the agent (checking requests) and the controller (checking answers) cannot drift apart.

/** A failed check: which field (`sysinfo.flags.avx2`, `starts[3]`), what was expected, the value. */
export class ShapeError extends Error {
  readonly path: string;
  readonly expected: string;
  readonly value: unknown;
  constructor(path: string, expected: string, value: unknown) {
    super(`${path} to be ${expected}, got ${showValue(value)}`);
    this.name = 'ShapeError';
    this.path = path;
    this.expected = expected;
    this.value = value;
  }
}

/** A value as error messages show it: JSON, `nothing` for a missing field, cut at 80 characters. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Checks one value at `path` and returns it typed; throws ShapeError. */
export interface Check<T> {
  readonly expected: string;
  /** Set by `optional`: the field may be missing. */
  readonly optional?: true;
  parse(value: unknown, path: string): T;
}

/** A message body: field name -> check. */
export type Shape = Readonly<Record<string, Check<unknown>>>;

type Out<C> = C extends Check<infer T> ? T : never;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
type Flatten<T> = { [K in keyof T]: T[K] };

/** The object type a shape checks: optional checks become optional properties. */
export type Infer<S extends Shape> = Flatten<{ -readonly [K in RequiredKeys<S>]: Out<S[K]> } & { -readonly [K in OptionalKeys<S>]?: Out<S[K]> }>;

function check<T>(expected: string, test: (value: unknown) => value is T): Check<T> {
  return {
    expected,
    parse(value, path) {
      if (!test(value)) throw new ShapeError(path, expected, value);
      return value;
    },
  };
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A finite number. */
export const number: Check<number> = check('a number', isNumber);
/** A finite number > 0. */
export const positiveNumber: Check<number> = check('a number > 0', (v): v is number => isNumber(v) && v > 0);
/** A finite number >= 0. */
export const nonNegativeNumber: Check<number> = check('a number >= 0', (v): v is number => isNumber(v) && v >= 0);
/** Any string. */
export const string: Check<string> = check('a string', (v): v is string => typeof v === 'string');
/** A string with at least one character. */
export const nonEmptyString: Check<string> = check('a non-empty string', (v): v is string => typeof v === 'string' && v !== '');
export const boolean: Check<boolean> = check('a boolean', (v): v is boolean => typeof v === 'boolean');

/** An integer >= `min`. */
export function integer(min: number): Check<number> {
  return check(`an integer >= ${min}`, (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min);
}

/** A string matching `pattern`, described as `expected`. */
export function matching(pattern: RegExp, expected: string): Check<string> {
  return check(expected, (v): v is string => typeof v === 'string' && pattern.test(v));
}

/** `a, b or c`, for messages that list what was expected. */
export function listOf(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** One of the listed literal values. */
export function oneOf<const T extends readonly (string | number)[]>(...values: T): Check<T[number]> {
  const expected = listOf(values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))));
  return check(expected, (v): v is T[number] => values.includes(v as T[number]));
}

/** `inner` under another description in messages (e.g. 'a file path'). */
export function described<T>(inner: Check<T>, expected: string): Check<T> {
  return {
    expected,
    parse(value, path) {
      try {
        return inner.parse(value, path);
      } catch (error) {
        if (error instanceof ShapeError && error.path === path) throw new ShapeError(path, expected, value);
        throw error;
      }
    },
  };
}

/** The field may be missing (undefined); when present it must pass `inner`. */
export function optional<T>(inner: Check<T>): Check<T | undefined> & { optional: true } {
  return { expected: inner.expected, optional: true, parse: (value, path) => (value === undefined ? undefined : inner.parse(value, path)) };
}

/** `inner` or null. */
export function nullable<T>(inner: Check<T>): Check<T | null> {
  const expected = `${inner.expected} or null`;
  return described({ expected, parse: (value, path) => (value === null ? null : inner.parse(value, path)) }, expected);
}

/** Either check (the first that passes). */
export function either<A, B>(a: Check<A>, b: Check<B>): Check<A | B> {
  const expected = `${a.expected} or ${b.expected}`;
  return {
    expected,
    parse(value, path) {
      for (const inner of [a, b] as Check<A | B>[]) {
        try {
          return inner.parse(value, path);
        } catch (error) {
          if (!(error instanceof ShapeError)) throw error;
        }
      }
      throw new ShapeError(path, expected, value);
    },
  };
}

/** An array whose every element passes `inner`. */
export function arrayOf<T>(inner: Check<T>): Check<T[]> {
  return {
    expected: `an array, each ${inner.expected}`,
    parse(value, path) {
      if (!Array.isArray(value)) throw new ShapeError(path, this.expected, value);
      return value.map((item, index) => inner.parse(item, `${path}[${index}]`));
    },
  };
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the fields of `shape` in `fields` and returns a new object with exactly those fields. */
export function parseShape<S extends Shape>(shape: S, fields: Record<string, unknown>, prefix = ''): Infer<S> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const value = field.parse(fields[key], `${prefix}${key}`);
    if (value !== undefined) out[key] = value;
  }
  return out as Infer<S>;
}

/** A nested object checked against `shape`. */
export function object<S extends Shape>(shape: S): Check<Infer<S>> {
  return {
    expected: 'an object',
    parse(value, path) {
      if (!isRecord(value)) throw new ShapeError(path, 'an object', value);
      return parseShape(shape, value, `${path}.`);
    },
  };
}

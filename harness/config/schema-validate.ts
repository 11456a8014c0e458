// Validates parsed YAML against the published JSON Schemas (schemas/*.json) with ajv and
// turns every violation into a ConfigError at the offending value's line and column.
import { readFileSync } from 'node:fs';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ConfigError } from '../errors.js';
import type { KeyPath, YamlSource } from './yaml-source.js';

const Ajv = AjvModule.default;

export type SchemaName = 'config' | 'inventory';

/** The schema files, shipped next to the compiled code (dist/harness/config -> schemas/). */
export function schemaPath(name: SchemaName): URL {
  return new URL(`../../../schemas/${name}.schema.json`, import.meta.url);
}

const compiled = new Map<SchemaName, ValidateFunction>();

function validator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const schema = JSON.parse(readFileSync(schemaPath(name), 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true, allowUnionTypes: true, verbose: true });
    validate = ajv.compile(schema);
    compiled.set(name, validate);
  }
  return validate;
}

/** One ConfigError per schema violation in `source.data` (none when it is valid). */
export function schemaProblems(name: SchemaName, source: YamlSource): ConfigError[] {
  const validate = validator(name);
  if (validate(source.data)) return [];
  return pickErrors(validate.errors ?? []).map((e) => toConfigError(source, e));
}

const combinators = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'discriminator']);

// ajv reports every failed branch of a oneOf (and the oneOf itself): keep one error per value.
// For a secret reference the secretRef error explains a literal password best; elsewhere the
// first specific error of a value (not the combinator's summary) is the most useful one.
function pickErrors(errors: ErrorObject[]): ErrorObject[] {
  const byValue = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const extra = e.keyword === 'additionalProperties' ? `/${String((e.params as Record<string, unknown>).additionalProperty)}` : e.keyword === 'required' ? `#${String((e.params as Record<string, unknown>).missingProperty)}` : '';
    const key = `${e.instancePath}${extra}`;
    byValue.set(key, [...(byValue.get(key) ?? []), e]);
  }
  const picked: ErrorObject[] = [];
  for (const group of byValue.values()) {
    const secret = group.find((e) => e.schemaPath.startsWith('#/definitions/secretRef'));
    const specific = group.find((e) => !combinators.has(e.keyword)) ?? group[0];
    const chosen = secret ?? specific;
    if (chosen) picked.push(chosen);
  }
  // A value whose own error is only "must match one of" while a deeper value has a specific
  // error says nothing more: drop it.
  return picked.filter((e) => !(combinators.has(e.keyword) && e.keyword !== 'discriminator' && picked.some((o) => o !== e && o.instancePath.startsWith(`${e.instancePath}/`))));
}

function instancePathToKeys(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const keys: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: string | number = Array.isArray(node) && /^\d+$/.test(part) ? Number(part) : part;
    keys.push(key);
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  return keys;
}

function valueAt(data: unknown, keys: KeyPath): unknown {
  let node = data;
  for (const k of keys) node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[k] : undefined;
  return node;
}

const typeNames: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function describeType(type: unknown): string {
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => typeNames[String(t)] ?? String(t)).join(' or ');
}

function toConfigError(source: YamlSource, error: ErrorObject | undefined): ConfigError {
  if (!error) return source.error([], 'does not match the schema');
  const keys = instancePathToKeys(error.instancePath, source.data);
  const value = valueAt(source.data, keys);
  const params = error.params as Record<string, unknown>;
  if (error.schemaPath.startsWith('#/definitions/secretRef')) {
    // Never echo what could be a secret.
    const got = typeof value === 'string' ? 'a literal string (not shown)' : Array.isArray(value) ? 'a list' : typeof value === 'object' && value !== null ? `keys ${Object.keys(value).join(', ') || '(none)'}` : typeof value;
    return source.error(keys, `must be a secret reference {env: VARIABLE} or {file: PATH}, literal secrets are not allowed; got ${got}`);
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = allowedKeys(error);
      return source.error([...keys, extra], `unknown key${allowed ? ` (expected one of ${allowed})` : ''}`, undefined, { key: true });
    }
    case 'required':
      return source.error(keys, `missing required key '${String(params.missingProperty)}'`);
    case 'type':
      return source.error(keys, `must be ${describeType(params.type)}`, value);
    case 'enum':
      return source.error(keys, `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`, value);
    case 'const':
      return source.error(keys, `must be ${JSON.stringify(params.allowedValue)}`, value);
    case 'discriminator': {
      const tag = String(params.tag);
      const tagValue = (value as Record<string, unknown> | undefined)?.[tag];
      const options = discriminatorOptions(error);
      return source.error([...keys, tag], tagValue === undefined ? `missing required key` : `must be one of ${options}`, tagValue);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return source.error(keys, `must be ${String(params.comparison)} ${String(params.limit)}`, value);
    case 'minItems':
      return source.error(keys, `must have at least ${String(params.limit)} item(s)`, value);
    case 'uniqueItems':
      return source.error(keys, `must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)`, value);
    case 'minLength':
      return source.error(keys, 'must not be empty', value);
    case 'pattern':
      return source.error(keys, `must match ${String(params.pattern)}`, value);
    default:
      return source.error(keys, error.message ?? 'is invalid', value);
  }
}

function allowedKeys(error: ErrorObject): string | undefined {
  const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  const names = parent?.properties ? Object.keys(parent.properties).filter((k) => k !== '$schema') : [];
  return names.length > 0 && names.length <= 30 ? names.join(', ') : undefined;
}

function discriminatorOptions(error: ErrorObject): string {
  const schema = error.parentSchema as { oneOf?: { $ref?: string }[] } | undefined;
  const names = (schema?.oneOf ?? []).map((s) => (s.$ref ?? '').split('/').pop() ?? '').filter((n) => n !== '');
  return names.map((n) => n.replace(/Targets$/, '')).join(', ');
}

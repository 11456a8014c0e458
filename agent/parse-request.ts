// Checks one NDJSON line from the controller and turns it into a typed Request, or says what is wrong.
import type { Request } from './protocol.js';

export type ParsedLine =
  | { ok: true; request: Request }
  /** `id` is null when the line has no usable id (the agent then cannot answer it and stops). */
  | { ok: false; id: number | null; message: string };

type Fields = Record<string, unknown>;

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

class FieldError extends Error {}

function field<T>(fields: Fields, type: string, key: string, check: (v: unknown) => v is T, expected: string): T {
  const value = fields[key];
  if (!check(value)) throw new FieldError(`'${type}' needs ${key} to be ${expected}, got ${show(value)}`);
  return value;
}

function optional<T>(fields: Fields, type: string, key: string, check: (v: unknown) => v is T, expected: string): T | undefined {
  return fields[key] === undefined ? undefined : field(fields, type, key, check, expected);
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isSha256 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v);
const isPrecision = (v: unknown): v is 'fp32' | 'int8' => v === 'fp32' || v === 'int8';
const isCount = (v: unknown): v is number => isInt(v, 0);
const isPositive = (v: unknown): v is number => isInt(v, 1);
const isDuration = (v: unknown): v is number => isNum(v) && v > 0;
const isRate = isDuration;
const isNonNegative = (v: unknown): v is number => isNum(v) && v >= 0;
const isScenario = (v: unknown): v is 'server' | 'offline' => v === 'server' || v === 'offline';

function build(type: string, id: number, f: Fields): Request | undefined {
  switch (type) {
    case 'hello':
    case 'stop':
    case 'bye':
      return { type, id };
    case 'ping':
      return { type, id, t0: field(f, type, 't0', isNum, 'a number') };
    case 'load': {
      const sha256 = optional(f, type, 'sha256', isSha256, '64 hex digits');
      const interOpThreads = optional(f, type, 'interOpThreads', isPositive, 'an integer >= 1');
      return {
        type,
        id,
        model: field(f, type, 'model', isString, 'a file path'),
        precision: field(f, type, 'precision', isPrecision, "'fp32' or 'int8'"),
        intraOpThreads: field(f, type, 'intraOpThreads', isPositive, 'an integer >= 1'),
        batch: field(f, type, 'batch', isPositive, 'an integer >= 1'),
        ...(sha256 === undefined ? {} : { sha256 }),
        ...(interOpThreads === undefined ? {} : { interOpThreads }),
      };
    }
    case 'run': {
      const startAt = optional(f, type, 'startAt', isNum, 'an agent-clock time in ns');
      const durationMs = optional(f, type, 'durationMs', isDuration, 'a number > 0');
      const progressEveryMs = optional(f, type, 'progressEveryMs', isDuration, 'a number > 0');
      return {
        type,
        id,
        warmup: field(f, type, 'warmup', isCount, 'an integer >= 0'),
        steps: field(f, type, 'steps', isCount, 'an integer >= 0'),
        batch: field(f, type, 'batch', isPositive, 'an integer >= 1'),
        ...(startAt === undefined ? {} : { startAt }),
        ...(durationMs === undefined ? {} : { durationMs }),
        ...(progressEveryMs === undefined ? {} : { progressEveryMs }),
      };
    }
    case 'serve': {
      const scenario = field(f, type, 'scenario', isScenario, "'server' or 'offline'");
      const optionals = {
        startAt: optional(f, type, 'startAt', isNum, 'an agent-clock time in ns'),
        qps: optional(f, type, 'qps', isRate, 'a number > 0'),
        seed: optional(f, type, 'seed', isCount, 'an integer >= 0'),
        concurrency: optional(f, type, 'concurrency', isPositive, 'an integer >= 1'),
        maxBatch: optional(f, type, 'maxBatch', isPositive, 'an integer >= 1'),
        maxQueueDelayMs: optional(f, type, 'maxQueueDelayMs', isNonNegative, 'a number >= 0'),
        giveUpMs: optional(f, type, 'giveUpMs', isDuration, 'a number > 0'),
        progressEveryMs: optional(f, type, 'progressEveryMs', isDuration, 'a number > 0'),
      };
      const request: Request = {
        type,
        id,
        scenario,
        warmup: field(f, type, 'warmup', isCount, 'an integer >= 0'),
        minQueries: field(f, type, 'minQueries', isPositive, 'an integer >= 1'),
        minDurationMs: field(f, type, 'minDurationMs', isNonNegative, 'a number >= 0'),
      };
      for (const [key, value] of Object.entries(optionals)) if (value !== undefined) Object.assign(request, { [key]: value });
      return request;
    }
    default:
      return undefined;
  }
}

/** Parses and checks one request line. */
export function parseRequestLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, id: null, message: `request line is not JSON: ${line.slice(0, 120)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, id: null, message: `request must be a JSON object, got ${line.slice(0, 120)}` };
  }
  const fields = value as Fields;
  if (!isInt(fields.id, 0)) return { ok: false, id: null, message: `request needs an integer id >= 0, got ${show(fields.id)}` };
  const id = fields.id;
  if (typeof fields.type !== 'string') return { ok: false, id, message: `request needs a string type, got ${show(fields.type)}` };
  try {
    const request = build(fields.type, id, fields);
    if (request === undefined) {
      return { ok: false, id, message: `unknown request type ${JSON.stringify(fields.type)} (expected hello, ping, load, run, serve, stop or bye)` };
    }
    return { ok: true, request };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, id, message: error.message };
    throw error;
  }
}

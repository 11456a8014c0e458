// Checks one NDJSON line from the controller and turns it into a typed Request, or says what is
// wrong. The fields of each request type are declared once, in protocol.ts.
import { isRecord, listOf, parseShape, ShapeError, showValue } from './message-shape.js';
import { requests, type Request, type RequestType } from './protocol.js';

export type ParsedLine =
  | { ok: true; request: Request }
  /** `id` is null when the line has no usable id (the agent then cannot answer it and stops). */
  | { ok: false; id: number | null; message: string };

const isRequestType = (type: string): type is RequestType => Object.hasOwn(requests, type);

/** Parses and checks one request line. */
export function parseRequestLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, id: null, message: `request line is not JSON: ${line.slice(0, 120)}` };
  }
  if (!isRecord(value)) return { ok: false, id: null, message: `request must be a JSON object, got ${line.slice(0, 120)}` };
  const id = value.id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) return { ok: false, id: null, message: `request needs an integer id >= 0, got ${showValue(id)}` };
  const type = value.type;
  if (typeof type !== 'string') return { ok: false, id, message: `request needs a string type, got ${showValue(type)}` };
  if (!isRequestType(type)) {
    return { ok: false, id, message: `unknown request type ${JSON.stringify(type)} (expected ${listOf(Object.keys(requests))})` };
  }
  try {
    return { ok: true, request: { type, id, ...parseShape(requests[type].fields, value) } as Request };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, id, message: `'${type}' needs ${error.message}` };
    throw error;
  }
}

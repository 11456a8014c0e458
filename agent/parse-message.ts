// The controller's side of parse-request.ts: checks one NDJSON line from the agent against the
// message shapes of protocol.ts, and whether a message may answer the request it names.
import { isRecord, listOf, parseShape, ShapeError, showValue } from './message-shape.js';
import { messages, PROTOCOL_VERSION, requests, type AgentMessage, type MessageType, type RequestType } from './protocol.js';

export type ParsedMessage = { ok: true; message: AgentMessage } | { ok: false; problem: string };

const isMessageType = (type: string): type is MessageType => Object.hasOwn(messages, type);

/** Parses and checks one line the agent wrote on its protocol stream. */
export function parseAgentLine(line: string): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, problem: 'a line that is not JSON' };
  }
  if (!isRecord(value)) return { ok: false, problem: 'a JSON value that is not an object' };
  const type = value.type;
  if (typeof type !== 'string') return { ok: false, problem: `a message needs a string type, got ${showValue(type)}` };
  if (!isMessageType(type)) return { ok: false, problem: `unknown message type ${JSON.stringify(type)} (expected ${listOf(Object.keys(messages))})` };
  // Before the shape: an agent of another version may well say hello with other fields.
  if (type === 'hello' && value.protocol !== PROTOCOL_VERSION) {
    return { ok: false, problem: `the agent speaks protocol version ${showValue(value.protocol)}, this controller speaks ${PROTOCOL_VERSION}` };
  }
  try {
    return { ok: true, message: { type, ...parseShape(messages[type], value) } as AgentMessage };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, problem: `'${type}' needs ${error.message}` };
    throw error;
  }
}

/**
 * Why `message` (carrying the id of a pending `request`) cannot be its answer or one of its
 * events; undefined when it can. An `error` answers any request.
 */
export function replyProblem(request: RequestType, message: AgentMessage): string | undefined {
  const spec = requests[request];
  if (message.type === 'error' || (spec.events as readonly MessageType[]).includes(message.type)) return undefined;
  if (message.type === spec.reply) return undefined;
  const expected = listOf([spec.reply, ...spec.events, 'error'].map((type) => `'${type}'`));
  return `'${request}' request ${message.id} was answered with '${message.type}', expected ${expected}`;
}

// A failure the agent reports as a protocol `error` message, with the protocol's error code.
import { ErrorCode } from './protocol.js';

/** Thrown inside the agent (and by in-process inference) with the code the controller sees. */
export class AgentFailure extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentFailure';
    this.code = code;
  }
}

// onnxruntime reports allocation failures as plain errors; these words identify them.
const OUT_OF_MEMORY = /bad_alloc|failed to allocate|out of memory|ENOMEM|cannot allocate/i;

/** Turns anything thrown into an AgentFailure, keeping `fallback` as the code unless it is memory. */
export function asAgentFailure(error: unknown, fallback: ErrorCode, context: string): AgentFailure {
  if (error instanceof AgentFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = OUT_OF_MEMORY.test(message) ? ErrorCode.outOfMemory : fallback;
  return new AgentFailure(code, `${context}: ${message}`, { cause: error });
}

// In-process inference throws the agent's AgentFailure; the CLI wants its own error classes and exit codes.
import { AgentFailure } from '../../agent/agent-failure.js';
import { ErrorCode } from '../../agent/protocol.js';
import { ModelError, UsageError, VharnessError, ExitCode } from '../errors.js';

const modelCodes: ReadonlySet<ErrorCode> = new Set([ErrorCode.modelNotFound, ErrorCode.modelChecksum, ErrorCode.modelInvalid]);

/** Maps an AgentFailure to UsageError / ModelError / VharnessError; other errors pass through. */
export function toCliError(error: unknown): unknown {
  if (!(error instanceof AgentFailure)) return error;
  if (error.code === ErrorCode.badRequest) return new UsageError(error.message, { cause: error });
  if (modelCodes.has(error.code)) return new ModelError(error.message, { cause: error });
  return new VharnessError(`${error.code}: ${error.message}`, ExitCode.failure, { cause: error });
}

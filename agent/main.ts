// The agent process: `node dist/agent/main.js` (or the single bundled agent.js deployed over SSH).
// Speaks the protocol on stdin/stdout; logs go to stderr. Exits 0 after bye or end of input.
import { isMainThread } from 'node:worker_threads';
import { ErrorCode } from './protocol.js';
import { AgentExit, serveAgent } from './serve.js';

// A crash still tells the controller why, as a fatal protocol error, before the process ends.
function reportCrash(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`agent: internal error: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
  try {
    process.stdout.write(`${JSON.stringify({ type: 'error', id: null, code: ErrorCode.internal, message })}\n`, () => process.exit(AgentExit.fatal));
  } catch {
    process.exit(AgentExit.fatal);
  }
}

// The bundled agent is also the entry of its inference worker threads (batch-executors.ts):
// only the main thread serves the protocol.
if (isMainThread) {
  process.on('uncaughtException', reportCrash);
  process.on('unhandledRejection', reportCrash);
  const code = await serveAgent({ input: process.stdin, output: process.stdout });
  // The agent is its own process edge: exit even if a native thread pool would linger.
  process.exit(code);
}

// An agent channel: one NDJSON stream to one agent process, whatever carries it
// (a local child process or an SSH exec channel). Every line is checked against the protocol
// (agent/parse-message.ts) before anyone sees it; what it is, the session decides.
import type { Readable, Writable } from 'node:stream';
import { parseAgentLine, type ParsedMessage } from '../../agent/parse-message.js';
import type { Request } from '../../agent/protocol.js';

export interface ChannelClosed {
  /** Why the stream ended, for the cell's failure reason. */
  reason: string;
  exitCode: number | null;
}

export interface AgentChannel {
  /** Where the agent runs, for messages (e.g. `local#0`, `root@127.0.0.11`). */
  readonly label: string;
  send(message: Request): void;
  /** Called for every line the agent writes on stdout: the checked message, or what is wrong with it. */
  onMessage(listener: (parsed: ParsedMessage, line: string) => void): void;
  /** Resolves once, when the agent's stream has ended for any reason. */
  readonly closed: Promise<ChannelClosed>;
  /** Last lines the agent wrote on stderr (for failure reasons). */
  stderrTail(): string;
  /** Ends the agent forcibly (kill / close the channel); resolves when closed. */
  destroy(): Promise<void>;
}

export interface NdjsonStreams {
  label: string;
  stdout: Readable;
  stdin: Writable;
  stderr?: Readable;
  /** Resolves when the carrier (process, SSH channel) has ended. */
  ended: Promise<ChannelClosed>;
  destroy(): void;
}

const STDERR_TAIL_BYTES = 4096;

/** Wraps a pair of byte streams speaking NDJSON into an AgentChannel. */
export function ndjsonChannel(streams: NdjsonStreams): AgentChannel {
  const listeners: ((parsed: ParsedMessage, line: string) => void)[] = [];
  let buffer = '';
  let tail = '';

  streams.stdout.setEncoding('utf8');
  streams.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
      if (line === '') continue;
      const parsed = parseAgentLine(line);
      for (const listener of listeners) listener(parsed, line);
    }
  });
  streams.stderr?.setEncoding('utf8');
  streams.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_BYTES);
  });
  streams.stdin.on('error', () => {
    // EPIPE when the agent died: `closed` reports it.
  });

  const closed = streams.ended;

  return {
    label: streams.label,
    send(message) {
      if (!streams.stdin.writable) return;
      streams.stdin.write(`${JSON.stringify(message)}\n`);
    },
    onMessage(listener) {
      listeners.push(listener);
    },
    closed,
    stderrTail: () => tail.trim(),
    async destroy() {
      streams.destroy();
      await closed;
    },
  };
}

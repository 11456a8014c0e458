// A request/response session over an agent channel: ids, one pending promise per request,
// progress events to a callback, and every pending request failed when the agent goes away.
// The agent is not trusted: a line that breaks the protocol (garbage, an unknown or malformed
// message, the wrong answer to a request, another protocol version at hello) ends the agent and
// fails every request with an AgentError naming the agent and what it sent.
import { replyProblem, type ParsedMessage } from '../../agent/parse-message.js';
import type { AgentMessage, ProgressEvent, Request, RequestType, ResponseFor } from '../../agent/protocol.js';
import { AgentError, formatValue } from '../errors.js';
import type { AgentChannel, ChannelClosed } from './channel.js';

type Pending = {
  type: RequestType;
  resolve: (m: AgentMessage) => void;
  reject: (e: Error) => void;
  onProgress: ((p: ProgressEvent) => void) | undefined;
  timer: NodeJS.Timeout | undefined;
};

export interface RequestOptions {
  /** Fail the request after this long (ms). @default no timeout */
  timeoutMs?: number;
  onProgress?: (p: ProgressEvent) => void;
}

// Distributes the request fields over the union so `request('run', {...})` is typed per type.
type RequestBody<T extends RequestType> = Omit<Extract<Request, { type: T }>, 'type' | 'id'>;

export class AgentSession {
  readonly channel: AgentChannel;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedWith: ChannelClosed | undefined;
  /** Set when the agent broke the protocol: every later request fails with it. */
  private brokenWith: AgentError | undefined;

  constructor(channel: AgentChannel) {
    this.channel = channel;
    channel.onMessage((parsed, line) => this.receive(parsed, line));
    void channel.closed.then((c) => {
      this.closedWith = c;
      const tail = channel.stderrTail();
      this.failPending((p) => new AgentError(`${channel.label}: agent went away during '${p.type}': ${c.reason}${tail ? `\n${tail}` : ''}`, 'closed'));
    });
  }

  get label(): string {
    return this.channel.label;
  }

  /** The reason the agent's stream ended, once it has. */
  get closed(): ChannelClosed | undefined {
    return this.closedWith;
  }

  /** Sends a request; resolves with its answer, rejects with AgentError on an error answer. */
  request<T extends RequestType>(type: T, body: RequestBody<T>, options: RequestOptions = {}): Promise<ResponseFor[T]> {
    if (this.brokenWith) return Promise.reject(this.brokenWith);
    if (this.closedWith) {
      return Promise.reject(new AgentError(`${this.label}: agent is gone: ${this.closedWith.reason}`, 'closed'));
    }
    const id = this.nextId++;
    return new Promise<ResponseFor[T]>((resolve, reject) => {
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(id);
              reject(new AgentError(`${this.label}: no answer to '${type}' within ${options.timeoutMs} ms`, 'timeout'));
            }, options.timeoutMs);
      this.pending.set(id, { type, resolve: resolve as (m: AgentMessage) => void, reject, onProgress: options.onProgress, timer });
      this.channel.send({ ...body, type, id } as Request);
    });
  }

  /** Says bye and waits for the agent to end; kills it if it does not within `graceMs`. */
  async close(graceMs = 5000): Promise<void> {
    if (!this.closedWith) {
      await this.request('bye', {}, { timeoutMs: graceMs }).catch(() => undefined);
      const ended = await Promise.race([this.channel.closed.then(() => true), delay(graceMs).then(() => false)]);
      if (!ended) await this.channel.destroy();
    }
  }

  private failPending(error: (p: Pending) => AgentError): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      if (p.timer) clearTimeout(p.timer);
      p.reject(error(p));
    }
  }

  /** Ends an agent that broke the protocol: every pending and later request fails with why. */
  private broken(problem: string, line: string): void {
    if (this.brokenWith) return;
    this.brokenWith = new AgentError(`${this.label}: the agent broke the protocol: ${problem}; received ${formatValue(line)}`, 'protocol');
    const error = this.brokenWith;
    this.failPending(() => error);
    void this.channel.destroy();
  }

  private receive(parsed: ParsedMessage, line: string): void {
    if (this.brokenWith) return;
    if (!parsed.ok) return this.broken(parsed.problem, line);
    const m = parsed.message;
    if (m.type === 'error' && m.id === null) {
      // A fatal agent error: fail everything pending with its message.
      this.failPending(() => new AgentError(`${this.label}: ${m.message}`, m.code));
      return;
    }
    if (m.id === null) return;
    // No request waits for this id (it timed out): nothing to check it against.
    const p = this.pending.get(m.id);
    if (!p) return;
    const problem = replyProblem(p.type, m);
    if (problem !== undefined) return this.broken(problem, line);
    if (m.type === 'progress') {
      p.onProgress?.(m);
      return;
    }
    this.pending.delete(m.id);
    if (p.timer) clearTimeout(p.timer);
    if (m.type === 'error') p.reject(new AgentError(`${this.label}: ${m.message}`, m.code));
    else p.resolve(m);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

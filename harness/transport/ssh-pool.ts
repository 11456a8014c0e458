// One SSH connection per host, shared by everything a run does there (deploy, models, agents),
// with the number of connection attempts in flight bounded by p-limit.
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from '../log.js';
import { connectSsh, type SshConnectOptions, type SshEndpoint } from './ssh-connect.js';
import type { SshConnection } from './ssh-connection.js';

export interface SshPoolOptions extends SshConnectOptions {
  /** Connections opened at once. @default 8 */
  concurrency: number;
}

export class SshPool {
  private readonly options: SshPoolOptions;
  private readonly log: Logger;
  private readonly connectLimit: LimitFunction;
  private readonly workLimit: LimitFunction;
  private readonly connections = new Map<string, Promise<SshConnection>>();

  constructor(options: SshPoolOptions, log: Logger) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new TypeError(`Expected the \`concurrency\` option to be an integer >= 1, got \`${String(options.concurrency)}\``);
    }
    this.options = options;
    this.log = log;
    // Two bounds: work run through `run` may itself open connections.
    this.connectLimit = pLimit(options.concurrency);
    this.workLimit = pLimit(options.concurrency);
  }

  /** The open connection to the endpoint, connecting (or reconnecting after a loss) as needed. */
  async get(endpoint: SshEndpoint): Promise<SshConnection> {
    const key = `${endpoint.user}@${endpoint.address}:${endpoint.port ?? 22}`;
    const existing = this.connections.get(key);
    if (existing) {
      const connection = await existing.catch(() => undefined);
      if (connection && !connection.isClosed) return connection;
    }
    const fresh = this.connectLimit(() => connectSsh(endpoint, this.options, this.log));
    this.connections.set(key, fresh);
    fresh.catch(() => {
      if (this.connections.get(key) === fresh) this.connections.delete(key);
    });
    return fresh;
  }

  /** Runs `work` under the pool's concurrency bound (deploys, probes). */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.workLimit(work);
  }

  /** Closes every connection. */
  async closeAll(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }
}

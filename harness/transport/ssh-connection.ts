// One live SSH connection (ssh2 Client) and what vharness does over it: run a command,
// copy a file over SFTP, open an exec channel for an agent. Every operation is raced against
// the connection's close, because ssh2 leaves callbacks pending forever when the peer dies.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { SshError } from '../errors.js';
import type { Logger } from '../log.js';

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Fail when the command has not finished after this long (ms). @default 60000 */
  timeoutMs?: number;
}

/** Single-quotes a string for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export class SshConnection {
  /** `user@address:port`, for messages. */
  readonly label: string;
  /** The inventory's name of the host. */
  readonly host: string;
  /** Resolves once with the reason when the connection has ended. */
  readonly closed: Promise<string>;
  private readonly client: Client;
  private readonly log: Logger;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private closeReason: string | undefined;
  private homeDir: Promise<string> | undefined;
  private closing = false;

  constructor(client: Client, host: string, label: string, log: Logger) {
    this.client = client;
    this.host = host;
    this.label = label;
    this.log = log;
    let lastError: string | undefined;
    // Permanent: ssh2 may emit a second 'error' after a timeout; unhandled it would crash.
    client.on('error', (error: Error) => {
      lastError = error.message;
      log.debug(`${label}: ssh error: ${error.message}`);
    });
    this.closed = new Promise((resolve) => {
      client.once('close', () => {
        this.closeReason = lastError !== undefined ? `connection lost (${lastError})` : this.closing ? 'connection closed' : 'connection closed by the host';
        resolve(this.closeReason);
      });
    });
  }

  /** Why the connection ended (empty while it is open). */
  get closeReasonText(): string {
    return this.closeReason ?? '';
  }

  /** True once the connection has ended. */
  get isClosed(): boolean {
    return this.closeReason !== undefined;
  }

  /** Resolves `work`, or rejects with SshError when the connection ends (or `timeoutMs` passes) first. */
  race<T>(what: string, work: Promise<T>, timeoutMs?: number): Promise<T> {
    // When a guard wins, a late rejection of `work` must not become an unhandled rejection.
    work.catch(() => undefined);
    if (this.closeReason !== undefined) return Promise.reject(new SshError(this.host, `${what}: ${this.closeReason}`));
    let timer: NodeJS.Timeout | undefined;
    const guards: Promise<never>[] = [
      this.closed.then((reason) => {
        throw new SshError(this.host, `${what}: ${reason}`);
      }),
    ];
    if (timeoutMs !== undefined) {
      guards.push(
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new SshError(this.host, `${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      );
    }
    return Promise.race([work, ...guards]).finally(() => {
      if (timer) clearTimeout(timer);
    });
  }

  /** Runs a shell command and collects its output. */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.execFed(command, `'${command.slice(0, 60)}'`, undefined, options.timeoutMs ?? 60_000);
  }

  /** Runs `command`, `feed` writing its stdin (undefined: none), and collects its output. */
  private execFed(command: string, what: string, feed: ((channel: ClientChannel, fail: (error: Error) => void) => void) | undefined, timeoutMs: number): Promise<ExecResult> {
    if (this.closeReason !== undefined) return Promise.reject(new SshError(this.host, `${what}: ${this.closeReason}`));
    const work = new Promise<ExecResult>((resolve, reject) => {
      this.client.exec(command, (error, channel) => {
        if (error) {
          reject(new SshError(this.host, `cannot run a command: ${error.message}`, { cause: error }));
          return;
        }
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        let signal: string | null = null;
        channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
          code = exitCode;
          signal = exitSignal ?? null;
        });
        channel.on('close', () => resolve({ code, signal, stdout, stderr }));
        feed?.(channel, (e) => {
          channel.close();
          reject(e);
        });
      });
    });
    return this.race(what, work, timeoutMs);
  }

  /** Runs a command and returns its stdout; a non-zero exit is an SshError with its stderr. */
  async run(command: string, options: ExecOptions = {}): Promise<string> {
    const result = await this.exec(command, options);
    if (result.code !== 0) {
      const detail = result.stderr.trim().split('\n').slice(-3).join(' / ');
      throw new SshError(this.host, `command failed (exit ${result.code ?? result.signal}): ${command.slice(0, 120)}${detail ? `: ${detail}` : ''}`);
    }
    return result.stdout;
  }

  /** The remote user's home directory. */
  home(): Promise<string> {
    this.homeDir ??= this.run('printf %s "$HOME"').then((h) => h.trim());
    return this.homeDir;
  }

  /** A remote path with a leading `~/` expanded to the home directory. */
  async resolvePath(path: string): Promise<string> {
    if (path === '~') return this.home();
    if (path.startsWith('~/')) return `${await this.home()}/${path.slice(2)}`;
    return path;
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= this.race(
      'opening SFTP',
      new Promise<SFTPWrapper>((resolve, reject) => {
        this.client.sftp((error, sftp) => {
          if (error) {
            reject(new SshError(this.host, `cannot open SFTP: ${error.message}`, { cause: error }));
            return;
          }
          // A closed SFTP channel is not reused: the next transfer opens a new one.
          sftp.once('close', () => (this.sftpSession = undefined));
          resolve(sftp);
        });
      }),
      30_000,
    );
    this.sftpSession.catch(() => (this.sftpSession = undefined));
    return this.sftpSession;
  }

  /**
   * Copies a local file to the remote path (mode kept) and returns the bytes sent. Raced
   * against the connection's close: fastPut never calls back when the peer dies.
   */
  async upload(localPath: string, remotePath: string, mode?: number): Promise<number> {
    const info = await stat(localPath);
    const sftp = await this.sftp();
    const work = new Promise<void>((resolve, reject) => {
      sftp.fastPut(localPath, remotePath, { mode: mode ?? info.mode & 0o777 }, (error) =>
        error ? reject(new SshError(this.host, `upload of ${localPath} to ${remotePath} failed: ${error.message}`, { cause: error })) : resolve(),
      );
    });
    await this.race(`upload of ${localPath}`, work);
    return info.size;
  }

  /**
   * Runs `command` with a local file as its stdin (e.g. `tar -xzf -`) and collects its output;
   * raced against the connection's close like transfers.
   */
  pipeFile(localPath: string, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const feed = (channel: ClientChannel, fail: (error: Error) => void): void => {
      const input = createReadStream(localPath);
      input.on('error', (e) => fail(new SshError(this.host, `cannot read ${localPath}: ${e.message}`, { cause: e })));
      input.pipe(channel);
    };
    return this.execFed(command, `'${command.slice(0, 60)}' < ${localPath}`, feed, options.timeoutMs ?? 600_000);
  }

  /** Writes a small remote file from memory. */
  async writeFile(remotePath: string, data: string): Promise<void> {
    const sftp = await this.sftp();
    const work = new Promise<void>((resolve, reject) => {
      sftp.writeFile(remotePath, data, (error) => (error ? reject(new SshError(this.host, `cannot write ${remotePath}: ${error.message}`)) : resolve()));
    });
    await this.race(`writing ${remotePath}`, work, 30_000);
  }

  /** Opens an exec channel running `command` (for an agent); the caller owns the channel. */
  openChannel(command: string): Promise<ClientChannel> {
    if (this.closeReason !== undefined) return Promise.reject(new SshError(this.host, `cannot start an agent: ${this.closeReason}`));
    const work = new Promise<ClientChannel>((resolve, reject) => {
      this.client.exec(command, (error, channel) => (error ? reject(new SshError(this.host, `cannot start '${command}': ${error.message}`, { cause: error })) : resolve(channel)));
    });
    return this.race('opening an exec channel', work, 30_000);
  }

  /** Ends the connection; resolves when it is closed. */
  async close(): Promise<void> {
    if (this.closeReason !== undefined) return;
    this.closing = true;
    this.client.end();
    const timer = setTimeout(() => this.client.destroy(), 2000);
    await this.closed;
    clearTimeout(timer);
    this.log.debug(`${this.label}: disconnected`);
  }
}

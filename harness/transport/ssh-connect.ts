// Opening an SSH connection the way a benchmark lab needs it: host keys pinned against
// known_hosts (trust-on-first-use only when asked), keepalive always on, a readyTimeout
// covering connect + handshake + auth, and logged retries with backoff while a machine boots.
import { Client } from 'ssh2';
import type { SecretRef, SshSettings } from '../config/types.js';
import { SshError } from '../errors.js';
import type { Logger } from '../log.js';
import { describeSecret, readSecret } from '../secrets.js';
import { appendKnownHost, checkHostKey, fingerprint, type HostKeyVerdict, readKnownHosts } from './known-hosts.js';
import { SshConnection } from './ssh-connection.js';

/** Where and as whom to log in. Secrets are references, read only when connecting. */
export interface SshEndpoint {
  /** Name for messages (inventory host name or VM name). */
  name: string;
  address: string;
  /** @default 22 */
  port?: number;
  user: string;
  key?: SecretRef;
  password?: SecretRef;
}

/** The transport options of an inventory's `ssh:` block. */
export type SshConnectOptions = Pick<SshSettings, 'knownHosts' | 'trustOnFirstUse' | 'connectTimeoutMs' | 'retries' | 'keepaliveIntervalMs' | 'keepaliveCountMax'>;

/** Defaults matching harness/config/types.ts SshSettings. */
export const defaultConnectOptions: Omit<SshConnectOptions, 'knownHosts'> = {
  trustOnFirstUse: false,
  connectTimeoutMs: 20_000,
  retries: 5,
  keepaliveIntervalMs: 5000,
  keepaliveCountMax: 3,
};

// Network errors worth another attempt while a VM boots; auth and host key failures are not.
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'timeout']);
const MAX_BACKOFF_MS = 8000;

function validate(options: SshConnectOptions): void {
  const checks: [keyof SshConnectOptions, number, number][] = [
    ['connectTimeoutMs', options.connectTimeoutMs, 1],
    ['retries', options.retries, 1],
    ['keepaliveIntervalMs', options.keepaliveIntervalMs, 1],
    ['keepaliveCountMax', options.keepaliveCountMax, 1],
  ];
  for (const [name, value, min] of checks) {
    if (!Number.isInteger(value) || value < min) throw new TypeError(`Expected the \`${name}\` option to be an integer >= ${min}, got \`${String(value)}\``);
  }
}

interface Credentials {
  privateKey?: string;
  password?: string;
}

async function credentials(endpoint: SshEndpoint): Promise<Credentials> {
  if (!endpoint.key && !endpoint.password) throw new SshError(endpoint.name, `no key or password configured for user '${endpoint.user}'`);
  const result: Credentials = {};
  if (endpoint.key) result.privateKey = await readSecret(endpoint.key, `${endpoint.name} key`);
  if (endpoint.password) result.password = await readSecret(endpoint.password, `${endpoint.name} password`);
  return result;
}

function authDescription(endpoint: SshEndpoint): string {
  const parts: string[] = [];
  if (endpoint.key) parts.push(`key from ${describeSecret(endpoint.key)}`);
  if (endpoint.password) parts.push(`password from ${describeSecret(endpoint.password)}`);
  return parts.join(' or ');
}

type Attempt = { ok: true; client: Client } | { ok: false; error: SshError; retryable: boolean; code: string };

function attempt(endpoint: SshEndpoint, port: number, options: SshConnectOptions, creds: Credentials, log: Logger): Promise<Attempt> {
  return new Promise((resolve) => {
    const client = new Client();
    let verdict: HostKeyVerdict | undefined;
    let presented: Buffer | undefined;
    let settled = false;
    const finish = (result: Attempt): void => {
      if (settled) return;
      settled = true;
      if (!result.ok) client.destroy();
      resolve(result);
    };
    client.on('ready', () => finish({ ok: true, client }));
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      const where = `${endpoint.user}@${endpoint.address}:${port}`;
      if (verdict?.kind === 'mismatch' && presented) {
        const known = verdict.known.map((k) => `${k.fingerprint} (${options.knownHosts}:${k.line})`).join(', ');
        finish({
          ok: false,
          retryable: false,
          code: 'hostkey',
          error: new SshError(
            endpoint.name,
            `host key for ${where} has CHANGED: it presented ${fingerprint(presented)} but ${options.knownHosts} pins ${known}; refusing to connect`,
            { hint: 'if the machine was rebuilt on purpose, remove its old line from known_hosts' },
          ),
        });
        return;
      }
      if (verdict?.kind === 'revoked' && presented) {
        finish({ ok: false, retryable: false, code: 'hostkey', error: new SshError(endpoint.name, `host key ${fingerprint(presented)} of ${where} is marked @revoked in ${options.knownHosts}:${verdict.line}`) });
        return;
      }
      if (verdict?.kind === 'unknown' && presented) {
        finish({
          ok: false,
          retryable: false,
          code: 'hostkey',
          error: new SshError(endpoint.name, `host key ${fingerprint(presented)} of ${where} is not in ${options.knownHosts}; refusing an unknown host`, {
            hint: 'add the key to known_hosts (ssh-keyscan) or set ssh.trustOnFirstUse: true in the inventory',
          }),
        });
        return;
      }
      if (error.level === 'client-authentication') {
        finish({
          ok: false,
          retryable: false,
          code: 'auth',
          error: new SshError(endpoint.name, `authentication failed for user '${endpoint.user}' at ${where}: the server rejected the ${authDescription(endpoint)}`, {
            hint: 'check the user and that the public key is in the remote authorized_keys',
          }),
        });
        return;
      }
      if (/Cannot parse privateKey|Unsupported key format|encrypted/i.test(error.message)) {
        finish({ ok: false, retryable: false, code: 'key', error: new SshError(endpoint.name, `the ${authDescription(endpoint)} is not a usable private key (${error.message.replace(/:.*$/s, '')})`) });
        return;
      }
      const code = error.code ?? (error.level === 'client-timeout' || /Timed out/i.test(error.message) ? 'timeout' : 'error');
      finish({ ok: false, retryable: RETRYABLE.has(code), code, error: new SshError(endpoint.name, `cannot connect to ${where}: ${error.message}`, { cause: error }) });
    });
    client.on('close', () => finish({ ok: false, retryable: true, code: 'ECONNRESET', error: new SshError(endpoint.name, `connection to ${endpoint.address}:${port} closed during the handshake`) }));
    try {
      client.connect({
        host: endpoint.address,
        port,
        username: endpoint.user,
        ...creds,
        readyTimeout: options.connectTimeoutMs,
        keepaliveInterval: options.keepaliveIntervalMs,
        keepaliveCountMax: options.keepaliveCountMax,
        hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
          presented = key;
          readKnownHosts(options.knownHosts)
            .then(async (entries) => {
              verdict = checkHostKey(entries, endpoint.address, port, key);
              if (verdict.kind === 'match') return true;
              if (verdict.kind === 'unknown' && options.trustOnFirstUse) {
                await appendKnownHost(options.knownHosts, endpoint.address, port, key);
                log.info(`${endpoint.name}: trusting new host key ${fingerprint(key)} (trust-on-first-use), recorded in ${options.knownHosts}`);
                verdict = { kind: 'match' };
                return true;
              }
              return false;
            })
            .then(verify, (error: unknown) => {
              log.warn(`${endpoint.name}: cannot read ${options.knownHosts}: ${error instanceof Error ? error.message : String(error)}`);
              verify(false);
            });
        },
      });
    } catch (error) {
      // ssh2 throws synchronously on a key it cannot parse.
      const message = error instanceof Error ? error.message : String(error);
      finish({ ok: false, retryable: false, code: 'key', error: new SshError(endpoint.name, `the ${authDescription(endpoint)} is not a usable private key (${message.replace(/:.*$/s, '')})`) });
    }
  });
}

/**
 * Connects with up to `retries` attempts on network errors (logged, exponential backoff);
 * host key and authentication failures fail at once with a message naming the cause.
 */
export async function connectSsh(endpoint: SshEndpoint, options: SshConnectOptions, log: Logger): Promise<SshConnection> {
  validate(options);
  const port = endpoint.port ?? 22;
  const creds = await credentials(endpoint);
  let backoff = 500;
  for (let n = 1; ; n++) {
    const result = await attempt(endpoint, port, options, creds, log);
    if (result.ok) {
      const connection = new SshConnection(result.client, endpoint.name, `${endpoint.user}@${endpoint.address}:${port}`, log);
      log.debug(`${connection.label}: connected (attempt ${n})`);
      return connection;
    }
    if (!result.retryable || n >= options.retries) throw result.error;
    log.warn(`${endpoint.name}: connect attempt ${n}/${options.retries} failed (${result.code}); retrying in ${(backoff / 1000).toFixed(1)} s`);
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}

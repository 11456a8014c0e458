// Host key pinning against an OpenSSH known_hosts file: plain and hashed (`|1|salt|hash`)
// host patterns, `[host]:port` for non-22 ports, wildcards and negations, and appending a
// newly trusted key (trust-on-first-use). Pure functions plus one file read/append.
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface KnownHostEntry {
  /** 1-based line in the file, for messages. */
  line: number;
  marker: '@cert-authority' | '@revoked' | undefined;
  /** The comma-separated host patterns (or one hashed `|1|salt|hash` pattern). */
  hosts: string;
  keyType: string;
  /** Base64 of the public key blob. */
  key: string;
}

/** Parses known_hosts text; comments, blank and malformed lines are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@cert-authority' || fields[0] === '@revoked') marker = fields.shift() as KnownHostEntry['marker'];
    const [hosts, keyType, key] = fields;
    if (hosts === undefined || keyType === undefined || key === undefined) return;
    entries.push({ line: index + 1, marker, hosts, keyType, key });
  });
  return entries;
}

/** How a host is named in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/** Whether an entry's host field names this host (hashed or plain, with negations). */
export function entryMatches(hosts: string, host: string, port: number): boolean {
  const token = hostToken(host, port);
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (salt === undefined || hash === undefined) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (globToRegExp(body).test(token)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** OpenSSH's `SHA256:...` fingerprint of a public key blob. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

export type HostKeyVerdict =
  | { kind: 'match' }
  | { kind: 'unknown' }
  /** The file pins other keys for this host: each one's fingerprint and line. */
  | { kind: 'mismatch'; known: { fingerprint: string; line: number }[] }
  | { kind: 'revoked'; line: number };

/** Compares a presented key with the entries for host:port. */
export function checkHostKey(entries: KnownHostEntry[], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const presented = keyBlob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && entryMatches(e.hosts, host, port));
  const revoked = forHost.find((e) => e.marker === '@revoked' && e.key === presented);
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const pinned = forHost.filter((e) => e.marker === undefined);
  if (pinned.some((e) => e.key === presented)) return { kind: 'match' };
  if (pinned.length === 0) return { kind: 'unknown' };
  return { kind: 'mismatch', known: pinned.map((e) => ({ fingerprint: fingerprint(Buffer.from(e.key, 'base64')), line: e.line })) };
}

/** Reads a known_hosts file; a missing file is an empty one. */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'));
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
}

/** Appends `host key` to the file (created 0600 with its directory when missing). */
export async function appendKnownHost(file: string, host: string, port: number, keyBlob: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  let prefix = '';
  try {
    const text = await readFile(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) prefix = '\n';
  } catch {
    // new file
  }
  await appendFile(file, `${prefix}${hostToken(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
}

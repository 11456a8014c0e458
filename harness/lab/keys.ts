// Key material for lab guests: ed25519 host keys and a client key made with ssh-keygen.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { fingerprint } from '../transport/known-hosts.js';

const run = promisify(execFile);

export interface GeneratedKey {
  privateKey: string;
  /** The `.pub` line: `ssh-ed25519 AAAA... comment`. */
  publicLine: string;
  /** Base64 public key blob. */
  blob: string;
  fingerprint: string;
}

/** Creates an unencrypted ed25519 key pair at `file` and `file.pub`. */
export async function generateKey(file: string, comment: string): Promise<GeneratedKey> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { timeout: 30_000 });
  const publicLine = (await readFile(`${file}.pub`, 'utf8')).trim();
  const blob = publicLine.split(/\s+/)[1] ?? '';
  return { privateKey: file, publicLine, blob, fingerprint: fingerprint(Buffer.from(blob, 'base64')) };
}

// Secrets (SSH keys, passwords) are never written in an inventory: it names an environment
// variable or a file. This is the one place that reads them; messages name the source only.
import { readFile } from 'node:fs/promises';
import type { SecretRef } from './config/types.js';
import { ExitCode, VharnessError } from './errors.js';

/** Where a secret comes from, for messages (never the value). */
export function describeSecret(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

/**
 * The secret's value. A password read from a file loses its trailing newline; a key keeps
 * its bytes. A missing variable or unreadable file is a config error naming the source.
 */
export async function readSecret(ref: SecretRef, what: string): Promise<string> {
  if ('env' in ref) {
    const value = process.env[ref.env];
    if (value === undefined || value === '') {
      throw new VharnessError(`${what}: environment variable ${ref.env} is not set`, ExitCode.config, {
        hint: `export ${ref.env}=... or point the inventory at a file instead`,
      });
    }
    return value;
  }
  try {
    const text = await readFile(ref.file, 'utf8');
    return what.includes('password') ? text.replace(/\r?\n$/, '') : text;
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
    throw new VharnessError(`${what}: cannot read file ${ref.file} (${code})`, ExitCode.config, { cause: error });
  }
}

// Secrets (SSH keys, passwords) are never written in an inventory: it names an environment
// variable or a file. This is the one place that reads them; messages name the source only.
import { readFile } from 'node:fs/promises';
import type { SecretRef } from './config/types.js';
import { ExitCode, VharnessError } from './errors.js';
import { secretLocation } from './config/secret-locations.js';
import type { Inventory } from './config/types.js';

/** Where a secret comes from, for messages (never the value). */
export function describeSecret(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

/**
 * The secret's value. A password read from a file loses its trailing newline; a key keeps
 * its bytes. A missing variable or unreadable file is a config error naming the source.
 */
export async function readSecret(ref: SecretRef, what: string): Promise<string> {
  const where = secretLocation(ref);
  const at = where === undefined ? '' : `${where} `;
  if ('env' in ref) {
    const value = process.env[ref.env];
    if (value === undefined || value === '') {
      throw new VharnessError(`${at}${what}: environment variable ${ref.env} is not set`, ExitCode.config, {
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
    throw new VharnessError(`${at}${what}: cannot read file ${ref.file} (${code})`, ExitCode.config, { cause: error });
  }
}

/** Every secret an inventory names, with what it is for (SSH keys and passwords, vCenter password). */
export function inventorySecrets(inventory: Inventory): { ref: SecretRef; what: string }[] {
  const out: { ref: SecretRef; what: string }[] = [];
  const login = (name: string, l: { key?: SecretRef; password?: SecretRef }): void => {
    if (l.key) out.push({ ref: l.key, what: `SSH key of ${name}` });
    if (l.password) out.push({ ref: l.password, what: `SSH password of ${name}` });
  };
  for (const side of [inventory.vm, inventory.baremetal]) {
    if (side.provider === 'ssh') for (const h of side.hosts) login(h.name, h);
  }
  if (inventory.vm.provider === 'vsphere') {
    out.push({ ref: inventory.vm.vsphere.password, what: 'vCenter password' });
    login('the vSphere guests', inventory.vm.vsphere.guest);
  }
  return out;
}

/** Reads every secret of the inventory once, so a missing one stops a command before it changes anything. */
export async function checkInventorySecrets(inventory: Inventory): Promise<void> {
  for (const { ref, what } of inventorySecrets(inventory)) await readSecret(ref, what);
}

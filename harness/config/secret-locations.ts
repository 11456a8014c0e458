// Where in the inventory each secret reference was written (file:line:column and key path),
// kept beside the typed Inventory so a missing variable or key file is reported at its line
// without the location becoming part of the Inventory's data (manifest, diff).
import type { SecretRef } from './types.js';

const locations = new WeakMap<SecretRef, string>();

export function recordSecretLocation(ref: SecretRef, where: string): void {
  locations.set(ref, where);
}

/** `inventories/lab.yaml:12:10 vm.guest.key`, when the reference came from a file. */
export function secretLocation(ref: SecretRef): string | undefined {
  return locations.get(ref);
}

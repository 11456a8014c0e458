// The boundary where YAML becomes typed Config / Inventory: parse with locations, validate
// against the published schema, then build with defaults and semantic checks. Every failure
// is a ConfigError naming file:line:col, the key path and the value; nothing is created.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { buildConfig } from './config-build.js';
import { buildInventory } from './inventory-build.js';
import { validateAgainstSchema } from './schema-validate.js';
import type { Config, Inventory } from './types.js';
import { readYamlSource } from './yaml-source.js';

/** The embedded default inventory, resolved relative to the package (not the cwd). */
export const DEFAULT_INVENTORY_FILE = fileURLToPath(new URL('../../../inventories/local.yaml', import.meta.url));

export async function loadConfig(file: string): Promise<Config> {
  const source = await readYamlSource(resolve(file));
  validateAgainstSchema('config', source);
  return buildConfig(source);
}

/** Loads an inventory; without a file, the embedded default (this machine). */
export async function loadInventory(file?: string): Promise<Inventory> {
  const source = await readYamlSource(file === undefined ? DEFAULT_INVENTORY_FILE : resolve(file));
  validateAgainstSchema('inventory', source);
  return buildInventory(source);
}

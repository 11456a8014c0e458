// The boundary where YAML becomes typed Config / Inventory: parse with locations, validate
// against the published schema, then build with defaults and semantic checks. Every problem
// of the file is reported at once, each as file:line:col, key path and value; nothing is
// created.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { VharnessError } from '../errors.js';
import { buildConfig } from './config-build.js';
import { buildInventory } from './inventory-build.js';
import { Problems } from './problems.js';
import { schemaProblems, type SchemaName } from './schema-validate.js';
import type { Config, Inventory } from './types.js';
import { readYamlSource, type YamlSource } from './yaml-source.js';

/** The embedded default inventory, resolved relative to the package (not the cwd). */
export const DEFAULT_INVENTORY_FILE = fileURLToPath(new URL('../../../inventories/local.yaml', import.meta.url));

/**
 * Schema problems, then the semantic checks of `build`. When the schema already failed, the
 * build may trip over a value of the wrong shape: what it found until then is still reported.
 */
function checked<T>(name: SchemaName, source: YamlSource, build: (problems: Problems) => T): T {
  const problems = new Problems(schemaProblems(name, source));
  const schemaFailed = problems.count > 0;
  let built: T | undefined;
  try {
    built = build(problems);
  } catch (error) {
    if (!schemaFailed || error instanceof VharnessError) throw error;
  }
  problems.throwIfAny();
  return built as T;
}

export async function loadConfig(file: string): Promise<Config> {
  const source = await readYamlSource(resolve(file));
  return checked('config', source, (problems) => buildConfig(source, problems));
}

/** Loads an inventory; without a file, the embedded default (this machine). */
export async function loadInventory(file?: string): Promise<Inventory> {
  const source = await readYamlSource(file === undefined ? DEFAULT_INVENTORY_FILE : resolve(file));
  return checked('inventory', source, (problems) => buildInventory(source, problems));
}

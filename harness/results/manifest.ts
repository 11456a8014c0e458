// results/<run-id>/manifest.json: the config and inventory as run (secrets are references
// only, so nothing secret is in them), versions, git commit, host facts and models.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Config, Inventory } from '../config/types.js';
import type { HostFacts } from '../core/shared-types.js';
import type { RunManifest } from './types.js';

const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

async function versionOf(packageJson: URL): Promise<string> {
  try {
    return (JSON.parse(await readFile(packageJson, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** HEAD of the checkout vharness runs from; null outside a git checkout. */
export async function gitCommit(): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: packageRoot, timeout: 5000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** The inventory with secret references kept as names only (they never hold values). */
export function redactInventory(inventory: Inventory): unknown {
  return JSON.parse(JSON.stringify(inventory, (key, value: unknown) => {
    if ((key === 'password' || key === 'key') && value !== null && typeof value === 'object') {
      const ref = value as { env?: string; file?: string };
      return ref.env !== undefined ? { env: ref.env } : { file: ref.file };
    }
    return value;
  })) as unknown;
}

export interface ManifestInput {
  runId: string;
  config: Config;
  inventory: Inventory;
  hosts: HostFacts[];
  models: RunManifest['models'];
  command: string[];
  createdAt?: string;
  inputs?: RunManifest['inputs'];
}

export async function buildManifest(input: ManifestInput): Promise<RunManifest> {
  return {
    run_id: input.runId,
    created_at: input.createdAt ?? new Date().toISOString(),
    config: input.config,
    config_file: input.config.file,
    inventory: redactInventory(input.inventory),
    inventory_file: input.inventory.file,
    inventory_name: input.inventory.name,
    versions: {
      vharness: await versionOf(new URL('package.json', `file://${packageRoot}`)),
      node: process.version,
      onnxruntime: await versionOf(new URL('node_modules/onnxruntime-node/package.json', `file://${packageRoot}`)),
    },
    git_commit: await gitCommit(),
    hosts: input.hosts,
    models: input.models,
    command: input.command,
    ...(input.inputs ? { inputs: input.inputs } : {}),
  };
}

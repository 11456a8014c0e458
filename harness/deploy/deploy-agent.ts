// Deploying the agent to one SSH host: check the platform and node, upload the agent bundle
// (and the node runtime when the host has no suitable node) content-addressed, and say how
// to start it. Moves 0 bytes when everything is already there.
import { posix } from 'node:path';
import { formatCpuList } from '../../agent/cpu-list.js';
import type { SshHost } from '../config/types.js';
import { SshError } from '../errors.js';
import type { Logger } from '../log.js';
import { shellQuote, type SshConnection } from '../transport/ssh-connection.js';
import { AGENT_FILE, agentBundle, type AgentBundleOptions, NODE_FILE, nodeBundle, type Platform } from './agent-bundle.js';
import { formatBytes } from './format-bytes.js';
import { nodeMajor, remoteFacts } from './remote-facts.js';
import { COMPLETE_MARKER, uploadBundle } from './upload-bundle.js';

/** Oldest node the agent runs on. */
export const MIN_NODE_MAJOR = 20;

export interface DeployOptions {
  /** Remote vharness directory (`~/` allowed). @default ~/.vharness */
  dir: string;
  /** auto: system node if >= 20, else the bundled one. @default auto */
  node: SshHost['node'];
  bundle?: AgentBundleOptions;
}

export interface DeployedAgent {
  host: string;
  /** Remote vharness directory, `~` expanded. */
  root: string;
  /** Remote bundle directory holding agent.mjs. */
  agentDir: string;
  /** The node that runs the agent: `node` (system) or the bundled binary's path. */
  node: string;
  nodeKind: 'system' | 'bundled';
  nodeVersion: string;
  bytesMoved: number;
  filesMoved: number;
  /** Model files (`<sha256>.onnx`) already staged under `root/models` when it was deployed. */
  models: string[];
}

function chooseNode(host: string, mode: SshHost['node'], version: string | null): 'system' | 'bundled' {
  if (mode === 'bundled') return 'bundled';
  const suitable = version !== null && nodeMajor(version) >= MIN_NODE_MAJOR;
  if (mode === 'system') {
    if (version === null) throw new SshError(host, "node: system, but there is no node on the host's PATH", { hint: 'install node >= 20 there, or use node: auto / bundled' });
    if (!suitable) throw new SshError(host, `node: system, but the host's node is ${version} (need >= ${MIN_NODE_MAJOR})`, { hint: 'use node: auto or bundled' });
    return 'system';
  }
  return suitable ? 'system' : 'bundled';
}

/** Deploys the agent (and node when needed) to the host behind `connection`. */
export async function deployAgent(connection: SshConnection, options: DeployOptions, log: Logger): Promise<DeployedAgent> {
  // One command tells the platform, node, and whether the bundle (built for this machine's
  // platform, the usual case) is already there; a host of another platform gets its own bundle.
  const local: Platform = { os: 'linux', arch: process.arch === 'arm64' ? 'arm64' : 'x64' };
  const guess = await agentBundle({ ...options.bundle, platform: local });
  const facts = await remoteFacts(connection, options.dir, [posix.join('bundles', guess.hash, COMPLETE_MARKER)]);
  const root = facts.root;
  const sameBundle = facts.platform.arch === local.arch;
  const bundle = sameBundle ? guess : await agentBundle({ ...options.bundle, platform: facts.platform });
  const nodeKind = chooseNode(connection.host, options.node, facts.nodeVersion);
  const agent = await uploadBundle(connection, root, bundle, log, { ...(sameBundle ? { known: facts.present[0] } : {}), zstd: facts.zstd });
  let node = 'node';
  let nodeVersion = facts.nodeVersion ?? '';
  let bytesMoved = agent.bytesMoved;
  let filesMoved = agent.filesMoved;
  if (nodeKind === 'bundled') {
    if (facts.platform.arch !== (process.arch === 'arm64' ? 'arm64' : 'x64') || process.platform !== 'linux') {
      throw new SshError(connection.host, `needs a bundled node for linux-${facts.platform.arch}, but this controller runs ${process.platform}-${process.arch}`, { hint: 'install node >= 20 on the host' });
    }
    const runtime = await uploadBundle(connection, root, await nodeBundle(), log, { zstd: facts.zstd });
    node = posix.join(runtime.dir, NODE_FILE);
    nodeVersion = process.version;
    bytesMoved += runtime.bytesMoved;
    filesMoved += runtime.filesMoved;
    log.info(`${connection.host}: ${facts.nodeVersion === null ? 'no node on PATH' : `node ${facts.nodeVersion}`}; using the bundled node ${process.version}`);
  }
  log.info(`${connection.host}: agent deployed (${formatBytes(bytesMoved)} moved)`);
  return { host: connection.host, root, agentDir: agent.dir, node, nodeKind, nodeVersion, bytesMoved, filesMoved, models: facts.models };
}

/** The remote shell command that starts the agent, pinned with taskset when CPUs are given. */
export function agentCommand(deployed: DeployedAgent, cpus?: number[]): string {
  const pin = cpus !== undefined && cpus.length > 0 ? `taskset -c ${formatCpuList(cpus)} ` : '';
  return `exec ${pin}${shellQuote(deployed.node)} ${shellQuote(posix.join(deployed.agentDir, AGENT_FILE))}`;
}

// The agent bundle shipped to SSH hosts: the agent as one esbuild-bundled ESM file
// (onnxruntime-node left external) plus onnxruntime-node's JS and its native files for the
// remote platform only, and onnxruntime-common. Identified by a hash over every file's path,
// mode and content, so the remote copy is content-addressed. Built once per process and
// cached in .cache/bundles/ by content hash.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SshError } from '../errors.js';

/** One file of a bundle: where it is here and where it goes (relative to the bundle dir). */
export interface BundleFile {
  source: string;
  target: string;
  bytes: number;
  mode: number;
}

export interface Bundle {
  /** `agent` or `node`: what the bundle holds. */
  kind: 'agent' | 'node';
  /** sha256 (hex) over the files' targets, modes and contents. */
  hash: string;
  files: BundleFile[];
  bytes: number;
}

/** Remote platform the bundle carries native files for. */
export interface Platform {
  os: 'linux';
  arch: 'x64' | 'arm64';
}

/** The compiled agent entry of this build. */
export const AGENT_ENTRY = fileURLToPath(new URL('../../agent/main.js', import.meta.url));
/** The bundled agent's file name inside a bundle directory. */
export const AGENT_FILE = 'agent.mjs';
/** The node runtime's file name inside a node bundle directory. */
export const NODE_FILE = 'node';

function hashFile(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

// Content hashes by (path, size, mtime): the node binary and ORT libraries are hashed once per process.
const fileHashes = new Map<string, Promise<string>>();
async function contentHash(path: string): Promise<string> {
  const info = await stat(path);
  const key = `${path}:${info.size}:${info.mtimeMs}`;
  let hash = fileHashes.get(key);
  if (!hash) {
    hash = hashFile(path);
    fileHashes.set(key, hash);
  }
  return hash;
}

async function bundleOf(kind: Bundle['kind'], files: BundleFile[]): Promise<Bundle> {
  files.sort((a, b) => a.target.localeCompare(b.target));
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.target}\0${file.mode.toString(8)}\0${await contentHash(file.source)}\n`);
  return { kind, hash: hash.digest('hex'), files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

async function fileEntry(source: string, target: string, mode?: number): Promise<BundleFile> {
  const info = await stat(source);
  return { source, target, bytes: info.size, mode: mode ?? (info.mode & 0o111 ? 0o755 : 0o644) };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** A package's JS (no maps, no typings) and package.json files, under node_modules/<name>/. */
async function packageFiles(packageDir: string, name: string, subdirs: string[]): Promise<BundleFile[]> {
  const files: BundleFile[] = [await fileEntry(join(packageDir, 'package.json'), `node_modules/${name}/package.json`)];
  for (const sub of subdirs) {
    for (const path of await walk(join(packageDir, sub))) {
      if (!/\.(js|cjs|mjs|json|node)$/.test(path) && !/\.so(\.\d+)*$/.test(path)) continue;
      files.push(await fileEntry(path, `node_modules/${name}/${relative(packageDir, path)}`));
    }
  }
  return files;
}

async function esbuildAgent(entry: string, cacheDir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['onnxruntime-node'],
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the agent');
  const sha = createHash('sha256').update(output.contents).digest('hex');
  const file = join(cacheDir, `agent-${sha.slice(0, 16)}.mjs`);
  try {
    await stat(file);
  } catch {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(`${file}.tmp`, output.contents);
    await rename(`${file}.tmp`, file);
  }
  return file;
}

export interface AgentBundleOptions {
  /** Local cache directory. @default .cache/bundles under the cwd */
  cacheDir?: string;
  /** The agent entry to bundle. @default dist/agent/main.js of this build */
  entry?: string;
  /** @default linux x64 */
  platform?: Platform;
}

async function buildAgentBundle(options: AgentBundleOptions): Promise<Bundle> {
  const cacheDir = options.cacheDir ?? resolve('.cache', 'bundles');
  const platform = options.platform ?? { os: 'linux', arch: 'x64' };
  const entry = options.entry ?? AGENT_ENTRY;
  try {
    await stat(entry);
  } catch {
    throw new SshError('deploy', `the agent entry ${entry} does not exist`, { hint: 'build first: npx tsc -p .' });
  }
  const require = createRequire(entry);
  const ortDir = dirname(dirname(require.resolve('onnxruntime-node')));
  const commonDir = dirname(dirname(dirname(createRequire(join(ortDir, 'package.json')).resolve('onnxruntime-common'))));
  const napi = (await readdir(join(ortDir, 'bin'))).filter((d) => d.startsWith('napi-v'));
  const native: BundleFile[] = [];
  for (const version of napi) {
    const dir = join(ortDir, 'bin', version, platform.os, platform.arch);
    for (const path of await walk(dir).catch(() => [])) native.push(await fileEntry(path, `node_modules/onnxruntime-node/${relative(ortDir, path)}`, 0o755));
  }
  if (native.length === 0) throw new SshError('deploy', `onnxruntime-node in ${ortDir} has no native files for ${platform.os}-${platform.arch}`);
  const agentFile = await esbuildAgent(entry, cacheDir);
  const files: BundleFile[] = [
    await fileEntry(agentFile, AGENT_FILE, 0o644),
    ...(await packageFiles(ortDir, 'onnxruntime-node', ['dist'])),
    ...native,
    ...(await packageFiles(commonDir, 'onnxruntime-common', ['dist'])),
  ];
  return bundleOf('agent', files);
}

const agentBundles = new Map<string, Promise<Bundle>>();

// Built once per process (per entry/platform): every host of a run gets the same bundle.
export function agentBundle(options: AgentBundleOptions = {}): Promise<Bundle> {
  const key = JSON.stringify([options.entry ?? AGENT_ENTRY, options.platform ?? null, options.cacheDir ?? null]);
  let bundle = agentBundles.get(key);
  if (!bundle) {
    bundle = buildAgentBundle(options);
    agentBundles.set(key, bundle);
    bundle.catch(() => agentBundles.delete(key));
  }
  return bundle;
}

/** The node runtime running this controller, as a bundle for hosts without a suitable node. */
export async function nodeBundle(execPath: string = process.execPath): Promise<Bundle> {
  return bundleOf('node', [await fileEntry(execPath, NODE_FILE, 0o755)]);
}

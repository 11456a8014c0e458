// Turns a schema-valid inventory document into the typed Inventory: defaults filled in,
// paths resolved relative to the inventory file, semantic checks with locations.
import { resolve } from 'node:path';
import type { BaremetalTargets, Inventory, LocalSettings, SecretRef, SshHost, SshSettings, VmTargets, VsphereSettings } from './types.js';
import { resolveFromFile } from './resolve-path.js';
import type { Problems } from './problems.js';
import { formatKeyPath, type KeyPath, type YamlSource } from './yaml-source.js';
import { recordSecretLocation } from './secret-locations.js';

/** SSH defaults (types.ts documents each). */
export const DEFAULT_SSH: SshSettings = {
  knownHosts: '~/.ssh/known_hosts',
  trustOnFirstUse: false,
  connectTimeoutMs: 20000,
  retries: 5,
  keepaliveIntervalMs: 5000,
  keepaliveCountMax: 3,
  concurrency: 8,
};

type Raw = Record<string, unknown>;

function secret(source: YamlSource, ref: unknown, at: KeyPath): SecretRef | undefined {
  if (ref === undefined) return undefined;
  const r = ref as { env?: string; file?: string };
  const out: SecretRef = r.env !== undefined ? { env: r.env } : { file: resolveFromFile(source.file, r.file ?? '') };
  const { line, column } = source.locate(at);
  recordSecretLocation(out, `${source.file}:${line}:${column}: ${formatKeyPath(at)}:`);
  return out;
}

function local(raw: Raw): LocalSettings {
  const out: LocalSettings = { memoryLimits: (raw.memoryLimits as boolean | undefined) ?? true };
  if (Array.isArray(raw.cpus)) out.cpus = [...(raw.cpus as number[])].sort((a, b) => a - b);
  return out;
}

/** The SSH login fields shared by bare-metal/VM hosts and vSphere guests, defaults filled in. */
function sshLogin(source: YamlSource, raw: Raw, at: KeyPath): VsphereSettings['guest'] {
  const login: VsphereSettings['guest'] = {
    port: (raw.port as number | undefined) ?? 22,
    user: raw.user as string,
    node: (raw.node as SshHost['node'] | undefined) ?? 'auto',
    dir: (raw.dir as string | undefined) ?? '~/.vharness',
  };
  const key = secret(source, raw.key, [...at, 'key']);
  const password = secret(source, raw.password, [...at, 'password']);
  if (key) login.key = key;
  if (password) login.password = password;
  return login;
}

function sshHosts(source: YamlSource, problems: Problems, raw: Raw[], at: KeyPath): SshHost[] {
  const names = new Map<string, number>();
  return raw.map((h, i) => {
    const name = h.name as string;
    const first = names.get(name);
    if (first !== undefined) problems.add(source.error([...at, i, 'name'], `duplicate host name (first at hosts[${first}])`, name));
    else names.set(name, i);
    const host: SshHost = { name, address: h.address as string, ...sshLogin(source, h, [...at, i]) };
    if (Array.isArray(h.cpus)) host.cpus = h.cpus as number[][];
    return host;
  });
}

function vsphere(source: YamlSource, problems: Problems, raw: Raw, at: KeyPath): VsphereSettings {
  const trust = (['ca', 'thumbprint'] as const).filter((k) => raw[k] !== undefined);
  if (raw.insecure === true && trust.length > 0) problems.add(source.error([...at, 'insecure'], `cannot be combined with '${trust[0]}'`, true));
  if (trust.length > 1) problems.add(source.error([...at, 'thumbprint'], "give either 'ca' or 'thumbprint', not both", raw.thumbprint));
  const guest = sshLogin(source, raw.guest as Raw, [...at, 'guest']);
  const pool = raw.ipPool as { cidr: string; addresses: string[]; gateway?: string; dns?: string[] };
  const out: VsphereSettings = {
    url: raw.url as string,
    user: raw.user as string,
    password: secret(source, raw.password, [...at, 'password']) as SecretRef,
    insecure: (raw.insecure as boolean | undefined) ?? false,
    template: raw.template as string,
    namePattern: (raw.namePattern as string | undefined) ?? 'vh-{config}-{index}',
    ipPool: { ...pool },
    guest,
    cloneConcurrency: (raw.cloneConcurrency as number | undefined) ?? 4,
    placement: (raw.placement as VsphereSettings['placement'] | undefined) ?? 'spread',
    teardown: (raw.teardown as VsphereSettings['teardown'] | undefined) ?? 'on-success',
    leaseHours: (raw.leaseHours as number | undefined) ?? 72,
    ipTimeoutMs: (raw.ipTimeoutMs as number | undefined) ?? 300000,
    requestTimeoutMs: (raw.requestTimeoutMs as number | undefined) ?? 60000,
  };
  if (typeof raw.ca === 'string') out.ca = resolveFromFile(source.file, raw.ca);
  for (const k of ['thumbprint', 'datacenter', 'cluster', 'host', 'resourcePool', 'datastore', 'folder'] as const) {
    const v = raw[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function vmTargets(source: YamlSource, problems: Problems, raw: Raw | undefined): VmTargets {
  if (!raw) return { provider: 'local', local: { memoryLimits: true } };
  switch (raw.provider as VmTargets['provider']) {
    case 'ssh':
      return { provider: 'ssh', hosts: sshHosts(source, problems, raw.hosts as Raw[], ['vm', 'hosts']) };
    case 'vsphere':
      return { provider: 'vsphere', vsphere: vsphere(source, problems, raw, ['vm']) };
    case 'local':
      return { provider: 'local', local: local(raw) };
  }
}

function baremetalTargets(source: YamlSource, problems: Problems, raw: Raw | undefined): BaremetalTargets {
  if (!raw) return { provider: 'local', local: { memoryLimits: true } };
  return raw.provider === 'ssh' ? { provider: 'ssh', hosts: sshHosts(source, problems, raw.hosts as Raw[], ['baremetal', 'hosts']) } : { provider: 'local', local: local(raw) };
}

/** Builds the Inventory from a schema-valid source; semantic errors go to `problems` (the caller throws). */
export function buildInventory(source: YamlSource, problems: Problems, options: { cwd?: string } = {}): Inventory {
  const raw = source.data as Raw;
  const ssh: SshSettings = { ...DEFAULT_SSH, ...(raw.ssh as Partial<SshSettings> | undefined) };
  ssh.knownHosts = resolveFromFile(source.file, ssh.knownHosts);
  return {
    file: source.file,
    name: raw.name as string,
    vm: vmTargets(source, problems, raw.vm as Raw | undefined),
    baremetal: baremetalTargets(source, problems, raw.baremetal as Raw | undefined),
    ssh,
    resultsDir: typeof raw.resultsDir === 'string' ? resolveFromFile(source.file, raw.resultsDir) : resolve(options.cwd ?? process.cwd(), 'results'),
  };
}

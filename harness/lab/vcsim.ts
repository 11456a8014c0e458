// The simulated vCenter of the lab: builds test/lab/vcsim/main.go against Debian's govmomi
// (cached in .cache/ by source hash), starts it on loopback with TLS and optional credentials,
// and stops it leaving nothing behind (process, datastore temp files, its directory).
import { spawn, execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ExitCode, VharnessError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { stringify } from 'yaml';
import { portFree } from './free-port.js';

const run = promisify(execFile);

/** Repository root (this file runs from dist/harness/lab/). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const VCSIM_SOURCE = join(ROOT, 'test', 'lab', 'vcsim', 'main.go');
const GOPATH = '/usr/share/gocode';

/**
 * What each simulated ESXi host reports. The defaults are govmomi's small hosts (3 hosts of 2
 * sockets, 2 cores, 2 logical CPUs, ~4 GiB); `{count: 2, cpus: 96, sockets: 2, memoryGB: 768}`
 * is the study's server (its Table 2).
 */
export interface SimHostSize {
  /** ESXi hosts in the cluster. @default 3 */
  count?: number;
  /** Logical CPUs per host. @default 2 */
  cpus?: number;
  /** Physical cores per host. @default cpus / 2 when cpus is given (two threads per core), else 2 */
  cores?: number;
  /** @default 2 */
  sockets?: number;
  /** Memory per host in GiB. @default ~4 */
  memoryGB?: number;
}

/** The host size the simulator reports back (every field filled in). */
export interface SimHostFacts {
  count: number;
  cpus: number;
  cores: number;
  sockets: number;
  memoryBytes: number;
}

export interface VcenterSimOptions {
  /** TCP port on 127.0.0.1. @default a free one */
  port?: number;
  /** The only user allowed to log in; undefined: any non-empty user and password. */
  user?: string;
  /** Password of `user`. @default a random one, written to `<dir>/vcenter/password` */
  password?: string;
  /** Expire sessions idle this long (ms). @default never */
  idleTimeoutMs?: number;
  /** Regexp: VMs whose name matches never report a guest IP (tests of the IP deadline). */
  holdIp?: string;
  /** Name of the template VM created in /DC0/vm. @default vh-template */
  template?: string;
  /** Exit when this process exits (tests). @default false (it outlives `vharness lab up`) */
  watchParent?: boolean;
  /** Deadline for the simulator to come up (ms). @default 60000 (includes a cold build) */
  startTimeoutMs?: number;
  log?: Logger;
  /** Size of the simulated hosts. @default govmomi's small hosts */
  hosts?: SimHostSize;
  /** The lab's sshd guests (from `vharness lab up --vcenter`): a vSphere inventory for them is written. */
  guests?: { name: string; address: string; port: number }[];
  sshUser?: string;
  clientKey?: string;
  knownHosts?: string;
}

/** The port `lab up --vcenter` uses when it is free, so inventories/sim.yaml can name it. */
export const LAB_VCENTER_PORT = 18443;

/** What `startVcenterSim` answers; JSON, kept in the lab state. */
export interface VcenterSimState {
  url: string;
  host: string;
  port: number;
  pid: number;
  /** The simulator's self-signed certificate (the inventory's `ca`). */
  certFile: string;
  /** SHA-256 thumbprint of the certificate, `AA:BB:...`. */
  thumbprint: string;
  user?: string;
  /** File holding the password (mode 600), when `user` is set. */
  passwordFile?: string;
  template: string;
  datacenter: string;
  cluster: string;
  resourcePool: string;
  datastore: string;
  folder: string;
  /** The simulator's directory (removed by stopVcenterSim). */
  dir: string;
  binary: string;
  log: string;
  /** The vSphere inventory written for the lab's guests, when guests were given. */
  inventory?: string;
  /** The simulated hosts' size. */
  hosts: SimHostFacts;
}

const HOST_FLAGS = { count: '-hosts', cpus: '-host-cpus', cores: '-host-cores', sockets: '-host-sockets', memoryGB: '-host-memory-gb' } as const;

/** Command-line flags of the simulator for a host size; each value validated where it is named. */
export function hostSizeArgs(size: SimHostSize = {}): string[] {
  const args: string[] = [];
  for (const key of Object.keys(HOST_FLAGS) as (keyof SimHostSize)[]) {
    const value = size[key];
    if (value === undefined) continue;
    const max = key === 'count' ? 64 : key === 'memoryGB' ? 1 << 20 : 4096;
    if (!Number.isInteger(value) || value < 1 || value > max) throw new VharnessError(`Expected the host ${key} to be an integer from 1 to ${max}, got ${value}`, ExitCode.usage);
    args.push(HOST_FLAGS[key], String(value));
  }
  const cpus = size.cpus ?? 2;
  const sockets = size.sockets ?? 2;
  const cores = size.cores ?? (size.cpus !== undefined && cpus % 2 === 0 && cpus >= 2 * sockets ? cpus / 2 : cpus);
  if (cores < sockets || cores > cpus || cores % sockets !== 0) {
    throw new VharnessError(`Expected hosts of ${cpus} logical CPUs and ${sockets} sockets to have sockets <= cores <= CPUs with cores a multiple of sockets, got ${cores} cores`, ExitCode.usage);
  }
  return args;
}

async function goVersion(): Promise<string> {
  try {
    return (await run('go', ['version'])).stdout.trim();
  } catch (error) {
    throw new VharnessError('the vCenter simulator needs Go: apt-get install golang-go golang-github-vmware-govmomi-dev', ExitCode.failure, { cause: error });
  }
}

/** Builds the simulator once per source hash; answers the binary's path. */
export async function buildVcenterSim(log: Logger = silentLogger): Promise<string> {
  const source = await readFile(VCSIM_SOURCE);
  const version = await goVersion();
  const hash = createHash('sha256').update(source).update(version).digest('hex').slice(0, 16);
  const cache = join(ROOT, '.cache');
  const binary = join(cache, 'vcsim', hash, 'vharness-vcsim');
  if (existsSync(binary)) return binary;
  if (!existsSync(join(GOPATH, 'src', 'github.com', 'vmware', 'govmomi', 'simulator'))) {
    throw new VharnessError(`govmomi is not installed under ${GOPATH}`, ExitCode.failure, { hint: 'apt-get install golang-github-vmware-govmomi-dev' });
  }
  await mkdir(join(cache, 'vcsim', hash), { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  log.info('building the vCenter simulator (once per source change, ~25 s)');
  try {
    await run('go', ['build', '-o', tmp, '.'], {
      cwd: join(ROOT, 'test', 'lab', 'vcsim'),
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(cache, 'go-build'), GOFLAGS: '' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    await rm(tmp, { force: true });
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr) : '';
    throw new VharnessError(`building the vCenter simulator failed: ${stderr.trim().split('\n').slice(-5).join(' | ')}`, ExitCode.failure, { cause: error });
  }
  await rename(tmp, binary);
  return binary;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function isOurs(pid: number, binary: string): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0')[0] === binary;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts the simulator in `<labDir>/vcenter`; resolves once it serves. */
export async function startVcenterSim(labDir: string, options: VcenterSimOptions = {}): Promise<VcenterSimState> {
  const log = options.log ?? silentLogger;
  const lab = options.guests !== undefined && options.guests.length > 0;
  let port = options.port ?? 0;
  if (options.port === undefined && lab) {
    if (await portFree('127.0.0.1', LAB_VCENTER_PORT)) port = LAB_VCENTER_PORT;
    else log.warn(`port ${LAB_VCENTER_PORT} is busy: the simulator takes a free port; use <lab>/vsphere.yaml, not inventories/sim.yaml`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new VharnessError(`Expected the vCenter port to be 0..65535, got ${port}`, ExitCode.usage);
  const idle = options.idleTimeoutMs;
  if (idle !== undefined && (!Number.isInteger(idle) || idle <= 0)) throw new VharnessError(`Expected idleTimeoutMs to be a positive integer, got ${idle}`, ExitCode.usage);
  const sizeArgs = hostSizeArgs(options.hosts);
  const binary = await buildVcenterSim(log);
  const dir = resolve(labDir, 'vcenter');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const args = ['-dir', dir, '-listen', `127.0.0.1:${port}`, '-template', options.template ?? 'vh-template', ...sizeArgs];
  let passwordFile: string | undefined;
  const user = options.user ?? (lab ? 'vharness' : undefined);
  if (user !== undefined) {
    passwordFile = join(dir, 'password');
    await writeFile(passwordFile, `${options.password ?? randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });
    args.push('-user', user, '-password-file', passwordFile);
  }
  if (idle !== undefined) args.push('-idle-timeout', `${idle}ms`);
  if (options.holdIp !== undefined) args.push('-hold-ip', options.holdIp);
  if (options.watchParent) args.push('-parent-pid', String(process.pid));
  const logFile = join(dir, 'vcsim.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new VharnessError('could not start the vCenter simulator', ExitCode.failure);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const stateFile = join(dir, 'vcsim.json');
  for (;;) {
    if (existsSync(stateFile) && (await stat(stateFile)).size > 0) break;
    if (exited || Date.now() > deadline) {
      if (!exited) process.kill(pid, 'SIGKILL');
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join(' | ');
      await rm(dir, { recursive: true, force: true });
      throw new VharnessError(`the vCenter simulator did not start${exited ? '' : ' in time'}: ${tail}`, ExitCode.failure);
    }
    await sleep(50);
  }
  const started = JSON.parse(await readFile(stateFile, 'utf8')) as Omit<VcenterSimState, 'dir' | 'binary' | 'log' | 'passwordFile'>;
  const state: VcenterSimState = { ...started, dir, binary, log: logFile };
  if (passwordFile) state.passwordFile = passwordFile;
  if (lab) state.inventory = await writeSimInventory(resolve(labDir), state, options);
  const h = state.hosts;
  log.info(`vCenter simulator at ${state.url} (pid ${state.pid}): ${h.count} host(s) of ${h.cpus} logical CPUs, ${h.cores} cores, ${h.sockets} sockets, ${(h.memoryBytes / 2 ** 30).toFixed(1)} GiB${state.inventory ? `; inventory ${state.inventory}` : ''}`);
  return state;
}

/**
 * `<lab>/vsphere.yaml`: VMs cloned in the simulator, reached at the lab's sshd guests (the IP
 * pool is their addresses), the last guest as bare metal when there are two or more.
 */
async function writeSimInventory(labDir: string, state: VcenterSimState, options: VcenterSimOptions): Promise<string> {
  const guests = options.guests ?? [];
  const vmGuests = guests.length > 1 ? guests.slice(0, -1) : guests;
  const bare = guests.length > 1 ? guests.slice(-1) : guests;
  const key = options.clientKey === undefined ? undefined : { file: options.clientKey };
  const inventory = {
    name: 'sim',
    vm: {
      provider: 'vsphere',
      url: state.url,
      user: state.user ?? 'vharness',
      password: { file: state.passwordFile ?? join(state.dir, 'password') },
      ca: state.certFile,
      datacenter: state.datacenter,
      cluster: state.cluster,
      folder: state.folder,
      template: state.template,
      namePattern: 'vh-{config}-{index}',
      ipPool: { cidr: '127.0.0.0/8', addresses: vmGuests.map((g) => g.address) },
      guest: { port: vmGuests[0]?.port ?? 22, user: options.sshUser ?? 'root', ...(key ? { key } : {}), dir: join(labDir, 'vm-dirs', '{vm}') },
      cloneConcurrency: 4,
      teardown: 'on-success',
      ipTimeoutMs: 30000,
    },
    baremetal: {
      provider: 'ssh',
      hosts: bare.map((g) => ({ name: g.name, address: g.address, port: g.port, user: options.sshUser ?? 'root', ...(key ? { key } : {}), dir: join(labDir, 'guests', g.name, 'vharness') })),
    },
    ssh: { knownHosts: options.knownHosts ?? join(labDir, 'known_hosts'), trustOnFirstUse: false, connectTimeoutMs: 10000, retries: 3, keepaliveIntervalMs: 1000, keepaliveCountMax: 3 },
  };
  const file = join(labDir, 'vsphere.yaml');
  await writeFile(file, `# Written by \`vharness lab up --vcenter\`: the simulated vCenter and the lab's sshd guests.\n${stringify(inventory)}`);
  return file;
}

/** Stops the simulator (SIGTERM, then SIGKILL after 5 s) and removes its directory. */
export async function stopVcenterSim(state: VcenterSimState): Promise<void> {
  if (alive(state.pid) && (await isOurs(state.pid, state.binary))) {
    process.kill(state.pid, 'SIGTERM');
    // Gone means reaped too (a zombie child of this process still answers kill(pid, 0)).
    let deadline = Date.now() + 5000;
    while (alive(state.pid) && Date.now() < deadline) await sleep(25);
    if (alive(state.pid) && (await isOurs(state.pid, state.binary))) {
      process.kill(state.pid, 'SIGKILL');
      deadline = Date.now() + 5000;
      while (alive(state.pid) && Date.now() < deadline) await sleep(25);
    }
  }
  await rm(state.dir, { recursive: true, force: true });
  if (state.inventory) await rm(state.inventory, { force: true });
  await rm(join(state.dir, '..', 'vm-dirs'), { recursive: true, force: true });
}

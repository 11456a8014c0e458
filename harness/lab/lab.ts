// `vharness lab up | down | status` as functions: N sshd guests on 127.0.0.11.., their keys,
// known_hosts and inventory in one lab directory, and a teardown that leaves nothing behind.
import { realpathSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VharnessError, ExitCode } from '../errors.js';
import type { Logger } from '../log.js';
import { findFreePort, portFree } from './free-port.js';
import { guestReachable, launchGuest, startGuest, stopGuest } from './guests.js';
import { writeLabInventory } from './inventory.js';
import { generateKey } from './keys.js';
import { type LabGuest, type LabState, readLabState, writeLabState } from './state.js';
import { type SimHostSize, startVcenterSim, stopVcenterSim } from './vcsim.js';

export const FIRST_GUEST_OCTET = 11;
export const MAX_GUESTS = 64;

export interface LabUpOptions {
  /** Lab directory (created). @default `.cache/lab` under the cwd */
  dir: string;
  /** Number of sshd guests. @default 3 */
  guests: number;
  /** SSH port of every guest; undefined: 2222 when free on every guest address, else a free one. */
  port?: number;
  /** 1-based guest numbers that get no node on PATH (they need the bundled runtime). @default [] */
  withoutNode: number[];
  /** Also start the vCenter simulator (harness/lab/vcsim.ts). @default false */
  vcenter?: boolean;
  /** Size of the simulated ESXi hosts (with `vcenter`). @default govmomi's small hosts */
  hosts?: SimHostSize;
}

/** Guests of a lab with the vCenter simulator: Table 3's largest configuration (8 VMs) plus the bare-metal host. */
export const VCENTER_LAB_GUESTS = 9;
/** Guests of a lab without it. */
export const DEFAULT_GUESTS = 3;

/** The guests' port when free (inventories/sim.yaml names it). */
export const PREFERRED_PORT = 2222;

async function preferredPort(addresses: string[], log: Logger): Promise<number> {
  const free = await Promise.all(addresses.map((a) => portFree(a, PREFERRED_PORT)));
  if (free.every(Boolean)) return PREFERRED_PORT;
  const port = await findFreePort(addresses);
  log.warn(`lab: port ${PREFERRED_PORT} is busy on a guest address; using ${port} (inventories/sim.yaml expects ${PREFERRED_PORT}; use the inventory lab up writes)`);
  return port;
}

/** The default lab directory. */
export function defaultLabDir(): string {
  return resolve('.cache', 'lab');
}

/** Loopback address of guest `index` (0-based): 127.0.0.11, .12, ... */
export function guestAddress(index: number): string {
  return `127.0.0.${FIRST_GUEST_OCTET + index}`;
}

function nodePaths(): string[] {
  const paths = new Set<string>([process.execPath]);
  try {
    paths.add(realpathSync(process.execPath));
  } catch {
    // keep execPath
  }
  for (const dir of ['/usr/bin', '/usr/local/bin', '/bin']) {
    try {
      paths.add(realpathSync(join(dir, 'node')));
    } catch {
      // absent
    }
  }
  return [...paths];
}

/** Starts the lab; on any failure stops what was started and removes the directory. */
export async function labUp(options: LabUpOptions, log: Logger): Promise<LabState> {
  if (!Number.isInteger(options.guests) || options.guests < 1 || options.guests > MAX_GUESTS) {
    throw new VharnessError(`Expected --guests to be an integer from 1 to ${MAX_GUESTS}, got '${options.guests}'`, ExitCode.usage);
  }
  const dir = resolve(options.dir);
  const existing = await readLabState(dir);
  if (existing) throw new VharnessError(`a lab is already up in ${dir}`, ExitCode.usage, { hint: `run 'vharness lab down --dir ${dir}' first` });
  const addresses = Array.from({ length: options.guests }, (_, i) => guestAddress(i));
  const port = options.port ?? (await preferredPort(addresses, log));
  if (options.port !== undefined) {
    for (const address of addresses) {
      if (!(await portFree(address, port))) throw new VharnessError(`port ${port} is already in use on ${address}`, ExitCode.usage, { hint: 'choose another --port or leave it out' });
    }
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const started: LabGuest[] = [];
  try {
    const clientKey = join(dir, 'client_key');
    const client = await generateKey(clientKey, 'vharness-lab-client');
    const hidden = nodePaths();
    const guests = await Promise.all(
      addresses.map((address, i) =>
        startGuest({
          name: `guest-${i + 1}`,
          address,
          port,
          dir: join(dir, 'guests', `guest-${i + 1}`),
          authorizedKeys: client.publicLine,
          withoutNode: options.withoutNode.includes(i + 1),
          nodePaths: hidden,
        }).then((g) => {
          started.push(g);
          return g;
        }),
      ),
    );
    const hostKeys = new Map<string, string>();
    for (const guest of guests) {
      const pub = (await readFile(join(guest.dir, 'ssh_host_ed25519_key.pub'), 'utf8')).split(/\s+/)[1] ?? '';
      hostKeys.set(guest.name, pub);
    }
    const state: LabState = {
      version: 1,
      dir,
      createdAt: new Date().toISOString(),
      user: 'root',
      clientKey,
      knownHosts: join(dir, 'known_hosts'),
      inventory: join(dir, 'inventory.yaml'),
      guests,
    };
    await writeLabInventory({ file: state.inventory, knownHostsFile: state.knownHosts, clientKey, user: state.user, guests, hostKeys });
    await writeLabState(state);
    if (options.vcenter) {
      state.vcenter = await startVcenterSim(dir, {
        guests: guests.map((g) => ({ name: g.name, address: g.address, port: g.port })),
        sshUser: state.user,
        clientKey,
        knownHosts: state.knownHosts,
        log,
        ...(options.hosts ? { hosts: options.hosts } : {}),
      });
      await writeLabState(state);
    }
    log.info(`lab: ${guests.length} sshd guest(s) up on ${guests.map((g) => g.address).join(', ')} port ${port}`);
    return state;
  } catch (error) {
    await Promise.all(started.map((g) => stopGuest(g).catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Stops every guest (SIGKILL of its namespace) and removes the lab directory. */
export async function labDown(dir: string, log: Logger): Promise<LabState | undefined> {
  const full = resolve(dir);
  const state = await readLabState(full);
  if (!state) {
    log.info(`lab: nothing to stop in ${full}`);
    return undefined;
  }
  if (state.vcenter !== undefined) await stopVcenterSim(state.vcenter);
  await Promise.all(state.guests.map((g) => stopGuest(g)));
  await rm(full, { recursive: true, force: true });
  log.info(`lab: ${state.guests.length} guest(s) stopped, ${full} removed`);
  return state;
}

export interface GuestStatus {
  guest: LabGuest;
  up: boolean;
}

/** Each guest with whether its sshd is running and reachable. */
export async function labStatus(dir: string): Promise<{ state: LabState; guests: GuestStatus[] } | undefined> {
  const state = await readLabState(resolve(dir));
  if (!state) return undefined;
  return { state, guests: await Promise.all(state.guests.map(async (guest) => ({ guest, up: await guestReachable(guest) }))) };
}

/**
 * Starts a stopped guest again with its own host key and files (tests of a machine that comes
 * back); the new pids go into the lab state.
 */
export async function labRestartGuest(dir: string, name: string): Promise<LabGuest> {
  const full = resolve(dir);
  const state = await readLabState(full);
  const index = state?.guests.findIndex((g) => g.name === name) ?? -1;
  const guest = state?.guests[index];
  if (!state || !guest) throw new VharnessError(`no guest '${name}' in the lab at ${full}`, ExitCode.usage);
  if (await guestReachable(guest)) return guest;
  await stopGuest(guest);
  const pids = await launchGuest({ ...guest, withoutNode: !guest.node, nodePaths: nodePaths() });
  const restarted = { ...guest, ...pids };
  state.guests[index] = restarted;
  await writeLabState(state);
  return restarted;
}

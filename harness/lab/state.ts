// The simulated lab's state: one JSON file in the lab directory, written by `lab up`, read by
// `lab status` / `lab down` and by tests. Everything needed to tear the lab down is in it.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VcenterSimState } from './vcsim.js';

export const LAB_STATE_FILE = 'lab.json';

export interface LabGuest {
  name: string;
  address: string;
  port: number;
  /** pid of the outer `unshare` process (SIGKILL it to end the guest's PID namespace). */
  pid: number;
  /** pid (host view) of the namespace's init, sshd: checked gone by `down`. */
  innerPid: number | null;
  /** Directory of the guest's files (host key, sshd_config, log, remote vharness dir). */
  dir: string;
  /** Directory the inventory uses as the guest's remote vharness dir. */
  remoteDir: string;
  hostKeyFingerprint: string;
  /** False when node is hidden from the guest (it must get the bundled runtime). */
  node: boolean;
}

export interface LabState {
  version: 1;
  dir: string;
  createdAt: string;
  user: string;
  /** The client private key file the inventory points at. */
  clientKey: string;
  knownHosts: string;
  inventory: string;
  guests: LabGuest[];
  /** The vCenter simulator's state, when started. */
  vcenter?: VcenterSimState;
}

export function labStatePath(dir: string): string {
  return join(dir, LAB_STATE_FILE);
}

/** The lab's state, or undefined when there is no lab in `dir`. */
export async function readLabState(dir: string): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(labStatePath(dir), 'utf8')) as LabState;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes the state atomically (temp file + rename). */
export async function writeLabState(state: LabState): Promise<void> {
  const file = labStatePath(state.dir);
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

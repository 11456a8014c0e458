// The inventory file that reaches the lab's guests over SSH (and its known_hosts), so
// `vharness run CONFIG -i <lab>/inventory.yaml` benchmarks the guests like real machines.
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { hostToken } from '../transport/known-hosts.js';
import type { LabGuest } from './state.js';

export interface LabInventoryOptions {
  file: string;
  knownHostsFile: string;
  clientKey: string;
  user: string;
  guests: LabGuest[];
  /** Base64 host key blob per guest name. */
  hostKeys: Map<string, string>;
}

/** Guests used as VMs and as the bare-metal host: the last guest is the bare-metal one when there are two or more. */
export function splitRoles(guests: LabGuest[]): { vm: LabGuest[]; baremetal: LabGuest[] } {
  if (guests.length < 2) return { vm: guests, baremetal: guests };
  return { vm: guests.slice(0, -1), baremetal: guests.slice(-1) };
}

function host(guest: LabGuest, options: LabInventoryOptions): Record<string, unknown> {
  return {
    name: guest.name,
    address: guest.address,
    port: guest.port,
    user: options.user,
    key: { file: options.clientKey },
    node: 'auto',
    dir: guest.remoteDir,
  };
}

/** Writes known_hosts (one pinned line per guest) and the inventory; returns the inventory path. */
export async function writeLabInventory(options: LabInventoryOptions): Promise<string> {
  const known = options.guests.map((g) => `${hostToken(g.address, g.port)} ssh-ed25519 ${options.hostKeys.get(g.name) ?? ''}`);
  await writeFile(options.knownHostsFile, `${known.join('\n')}\n`, { mode: 0o600 });
  const roles = splitRoles(options.guests);
  const inventory = {
    name: 'lab',
    vm: { provider: 'ssh', hosts: roles.vm.map((g) => host(g, options)) },
    baremetal: { provider: 'ssh', hosts: roles.baremetal.map((g) => host(g, options)) },
    ssh: { knownHosts: options.knownHostsFile, trustOnFirstUse: false, connectTimeoutMs: 10000, retries: 3, keepaliveIntervalMs: 1000, keepaliveCountMax: 3 },
  };
  const header = '# Written by `vharness lab up`: sshd guests on loopback. Removed by `vharness lab down`.\n';
  await writeFile(options.file, header + stringify(inventory));
  return options.file;
}

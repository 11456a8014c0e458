// `vharness lab up`: N OpenSSH guests on 127.0.0.11.. (and, with --vcenter, the simulator).
import { intFlag } from '../../args.js';
import { defineCommand } from '../../command.js';
import { ExitCode, UsageError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { DEFAULT_GUESTS, defaultLabDir, labUp, MAX_GUESTS, VCENTER_LAB_GUESTS } from '../../lab/lab.js';
import type { SimHostSize } from '../../lab/vcsim.js';

const HOST_SIZE_FLAGS = { hosts: 'count', 'host-cpus': 'cpus', 'host-sockets': 'sockets', 'host-cores': 'cores', 'host-memory-gb': 'memoryGB' } as const;

/** The simulated hosts' size from the --host* flags (only with --vcenter). */
function hostSize(values: Partial<Record<keyof typeof HOST_SIZE_FLAGS, string | undefined>>, vcenter: boolean): SimHostSize | undefined {
  const size: SimHostSize = {};
  for (const [flag, key] of Object.entries(HOST_SIZE_FLAGS) as [keyof typeof HOST_SIZE_FLAGS, keyof SimHostSize][]) {
    const value = values[flag];
    if (value === undefined) continue;
    if (!vcenter) throw new UsageError(`--${flag} sizes the simulated ESXi hosts; it needs --vcenter`);
    size[key] = intFlag(flag, value, 0);
  }
  return Object.keys(size).length > 0 ? size : undefined;
}
import { labDirOption } from './lab-dir-flag.js';

function guestList(value: string | undefined, guests: number): number[] {
  if (value === undefined) return [];
  return value.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < 1 || n > guests) throw new UsageError(`Expected --no-node to list guest numbers from 1 to ${guests}, got '${value}'`);
    return n;
  });
}

export const command = defineCommand({
  args: '',
  description: `Starts N OpenSSH guests on 127.0.0.11, .12, ... (each with its own host key and PID
namespace), writes known_hosts and an inventory that reaches them, and prints its path.
Needs openssh-server (and golang-go, golang-github-vmware-govmomi-dev for --vcenter).`,
  flags: {
    guests: { type: 'string', arg: 'N', help: `number of guests, 1..${MAX_GUESTS} (default ${DEFAULT_GUESTS}; with --vcenter ${VCENTER_LAB_GUESTS}:\n8 VMs for Table 3's largest configuration plus the bare-metal host)` },
    dir: labDirOption,
    port: { type: 'string', arg: 'PORT', help: 'SSH port of every guest (default 2222 when free, else a free one)' },
    'no-node': { type: 'string', arg: 'LIST', help: 'guests (1-based, comma-separated) with no node on PATH; they get the\nbundled node runtime on deploy' },
    vcenter: { type: 'boolean', help: "also start govmomi's vCenter simulator (its IP pool hands out the guests' addresses)" },
    hosts: { type: 'string', arg: 'N', help: 'with --vcenter: simulated ESXi hosts in the cluster (default 3)' },
    'host-cpus': { type: 'string', arg: 'N', help: 'logical CPUs per host (default 2)' },
    'host-sockets': { type: 'string', arg: 'N', help: 'CPU sockets per host (default 2)' },
    'host-cores': { type: 'string', arg: 'N', help: 'physical cores per host (default host-cpus / 2: two threads per core)' },
    'host-memory-gb': { type: 'string', arg: 'N', help: "memory per host in GiB (default ~4); two of the study's servers (Table 2):\nuse --hosts 2 --host-cpus 96 --host-sockets 2 --host-memory-gb 768" },
  },
  examples: [
    { command: 'vharness lab up', says: 'three sshd guests; prints .cache/lab/inventory.yaml' },
    { command: 'vharness lab up --guests 8 --vcenter --port 2222', says: 'eight guests and the vCenter simulator (inventories/sim.yaml reaches them)' },
    { command: 'vharness run configs/ci.yaml -i "$(vharness lab up --guests 2)"', says: 'a run through SSH on a fresh lab' },
  ],
  exits: [ExitCode.ok, [ExitCode.usage, 'a bad flag, a lab already up in DIR, or a port in use'], [ExitCode.failure, 'a guest or the simulator did not start (the message says why)']],
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const vcenter = values.vcenter === true;
    const hosts = hostSize(values, vcenter);
    const guests = intFlag('guests', values.guests, vcenter ? VCENTER_LAB_GUESTS : DEFAULT_GUESTS);
    if (guests > MAX_GUESTS) throw new UsageError(`Expected --guests to be an integer from 1 to ${MAX_GUESTS}, got '${values.guests}'`);
    const port = values.port === undefined ? undefined : intFlag('port', values.port, 0, 1);
    if (port !== undefined && port > 65535) throw new UsageError(`Expected --port to be a TCP port 1..65535, got '${values.port}'`);
    const log = createLogger();
    const dir = values.dir ?? defaultLabDir();
    const state = await labUp({ dir, guests, withoutNode: guestList(values['no-node'], guests), vcenter, ...(hosts ? { hosts } : {}), ...(port === undefined ? {} : { port }) }, log);
    for (const g of state.guests) log.info(`  ${g.name}  ${state.user}@${g.address}:${g.port}  ${g.hostKeyFingerprint}${g.node ? '' : '  (no node)'}`);
    process.stdout.write(`${state.inventory}\n`);
    return ExitCode.ok;
  },
});

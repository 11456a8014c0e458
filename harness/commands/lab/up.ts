// `vharness lab up`: N OpenSSH guests on 127.0.0.11.. (and, with --vcenter, the simulator).
import { intFlag } from '../../args.js';
import { defineCommand } from '../../command.js';
import { ExitCode, UsageError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { defaultLabDir, labUp, MAX_GUESTS } from '../../lab/lab.js';
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
    guests: { type: 'string', arg: 'N', help: `number of guests, 1..${MAX_GUESTS} (default 3)` },
    dir: labDirOption,
    port: { type: 'string', arg: 'PORT', help: 'SSH port of every guest (default 2222 when free, else a free one)' },
    'no-node': { type: 'string', arg: 'LIST', help: 'guests (1-based, comma-separated) with no node on PATH; they get the\nbundled node runtime on deploy' },
    vcenter: { type: 'boolean', help: "also start govmomi's vCenter simulator (its IP pool hands out the guests' addresses)" },
  },
  examples: [
    { command: 'vharness lab up', says: 'three sshd guests; prints .cache/lab/inventory.yaml' },
    { command: 'vharness lab up --guests 8 --vcenter --port 2222', says: 'eight guests and the vCenter simulator (inventories/sim.yaml reaches them)' },
    { command: 'vharness run configs/ci.yaml -i "$(vharness lab up --guests 2)"', says: 'a run through SSH on a fresh lab' },
  ],
  exits: [ExitCode.ok, ExitCode.usage, [ExitCode.failure, 'a guest or the simulator did not start (the message says why)']],
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const guests = intFlag('guests', values.guests, 3);
    if (guests > MAX_GUESTS) throw new UsageError(`Expected --guests to be an integer from 1 to ${MAX_GUESTS}, got '${values.guests}'`);
    const port = values.port === undefined ? undefined : intFlag('port', values.port, 0, 1);
    if (port !== undefined && port > 65535) throw new UsageError(`Expected --port to be a TCP port 1..65535, got '${values.port}'`);
    const log = createLogger();
    const dir = values.dir ?? defaultLabDir();
    const state = await labUp({ dir, guests, withoutNode: guestList(values['no-node'], guests), vcenter: values.vcenter === true, ...(port === undefined ? {} : { port }) }, log);
    for (const g of state.guests) log.info(`  ${g.name}  ${state.user}@${g.address}:${g.port}  ${g.hostKeyFingerprint}${g.node ? '' : '  (no node)'}`);
    process.stdout.write(`${state.inventory}\n`);
    return ExitCode.ok;
  },
});

// `vharness lab up | down | status`: the simulated lab of sshd guests on loopback (and, with
// --vcenter, the vCenter simulator), so vharness can be tried and tested without machines.
import { intFlag, parse } from '../args.js';
import type { Command } from '../cli.js';
import { ExitCode, UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import { DEFAULT_GUESTS, defaultLabDir, labDown, labStatus, labUp, MAX_GUESTS, VCENTER_LAB_GUESTS } from '../lab/lab.js';
import type { SimHostSize } from '../lab/vcsim.js';

const usage = `usage: vharness lab up [--guests N] [--dir DIR] [--port PORT] [--no-node LIST]
                     [--vcenter [--hosts N] [--host-cpus N] [--host-sockets N] [--host-cores N] [--host-memory-gb N]]
       vharness lab down [--dir DIR]
       vharness lab status [--dir DIR] [--json]

up      starts N OpenSSH guests on 127.0.0.11, .12, ... (each with its own host key and PID
        namespace), writes known_hosts and an inventory that reaches them, prints its path
down    kills every guest and removes the lab directory (nothing is left behind)
status  shows each guest and whether its sshd is up

options:
  --guests N       number of guests, 1..${MAX_GUESTS} (default ${DEFAULT_GUESTS}; with --vcenter ${VCENTER_LAB_GUESTS}:
                   8 VMs for Table 3's largest configuration plus the bare-metal host)
  --dir DIR        lab directory (default .cache/lab under the current directory)
  --port PORT      SSH port of every guest (default 2222 when free, else a free one)
  --no-node LIST   guests (1-based, comma-separated) with no node on PATH; they get the
                   bundled node runtime on deploy
  --vcenter        also start the vCenter simulator (harness/lab/vcsim.ts)
  --hosts N        simulated ESXi hosts in the cluster (default 3)
  --host-cpus N    logical CPUs per host (default 2)
  --host-sockets N CPU sockets per host (default 2)
  --host-cores N   physical cores per host (default host-cpus / 2: two threads per core)
  --host-memory-gb N  memory per host in GiB (default ~4)
                   The study's server (Table 2), two of them:
                   --hosts 2 --host-cpus 96 --host-sockets 2 --host-memory-gb 768
  --json           status as JSON
  -h, --help       this help

exit codes: 0 done (status: every guest up); 2 bad flag, \`up\` with a lab already up in DIR,
or \`status\` with no lab in DIR; 6 \`status\`: some guest's sshd is down.`;

function guestList(value: string | undefined, guests: number): number[] {
  if (value === undefined) return [];
  return value.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < 1 || n > guests) throw new UsageError(`Expected --no-node to list guest numbers from 1 to ${guests}, got '${value}'`);
    return n;
  });
}

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

export const command: Command = {
  summary: 'start or stop a lab of sshd guests on loopback (and the vCenter simulator)',
  usage,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        guests: { type: 'string' },
        dir: { type: 'string' },
        port: { type: 'string' },
        'no-node': { type: 'string' },
        vcenter: { type: 'boolean' },
        hosts: { type: 'string' },
        'host-cpus': { type: 'string' },
        'host-sockets': { type: 'string' },
        'host-cores': { type: 'string' },
        'host-memory-gb': { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`, { hint: usage.split('\n')[0] });
    const dir = values.dir ?? defaultLabDir();
    const log = createLogger();
    switch (action) {
      case 'up': {
        const vcenter = values.vcenter === true;
        const hosts = hostSize(values, vcenter);
        const guests = intFlag('guests', values.guests, vcenter ? VCENTER_LAB_GUESTS : DEFAULT_GUESTS);
        if (guests > MAX_GUESTS) throw new UsageError(`Expected --guests to be an integer from 1 to ${MAX_GUESTS}, got '${values.guests}'`);
        const port = values.port === undefined ? undefined : intFlag('port', values.port, 0, 1);
        if (port !== undefined && port > 65535) throw new UsageError(`Expected --port to be a TCP port 1..65535, got '${values.port}'`);
        const state = await labUp({ dir, guests, withoutNode: guestList(values['no-node'], guests), vcenter, ...(hosts ? { hosts } : {}), ...(port === undefined ? {} : { port }) }, log);
        for (const g of state.guests) log.info(`  ${g.name}  ${state.user}@${g.address}:${g.port}  ${g.hostKeyFingerprint}${g.node ? '' : '  (no node)'}`);
        process.stdout.write(`${state.inventory}\n`);
        return 0;
      }
      case 'down':
        await labDown(dir, log);
        return 0;
      case 'status': {
        const status = await labStatus(dir);
        if (!status) {
          if (values.json) process.stdout.write('null\n');
          else log.info(`no lab in ${dir}`);
          return ExitCode.usage;
        }
        if (values.json) {
          process.stdout.write(`${JSON.stringify({ ...status.state, guests: status.guests.map((g) => ({ ...g.guest, up: g.up })) }, null, 2)}\n`);
        } else {
          process.stdout.write(`lab ${status.state.dir} (inventory ${status.state.inventory})\n`);
          for (const { guest, up } of status.guests) {
            process.stdout.write(`  ${guest.name}  ${guest.address}:${guest.port}  pid ${guest.pid}  ${up ? 'up' : 'DOWN'}${guest.node ? '' : '  (no node)'}\n`);
          }
        }
        return status.guests.every((g) => g.up) ? ExitCode.ok : ExitCode.ssh;
      }
      default:
        throw new UsageError(action === undefined ? 'missing action: up, down or status' : `unknown action '${action}' (expected up, down or status)`, { hint: usage.split('\n')[0] });
    }
  },
};

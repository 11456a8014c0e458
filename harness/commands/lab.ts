// `vharness lab up | down | status`: the simulated lab of sshd guests on loopback (and, with
// --vcenter, the vCenter simulator), so vharness can be tried and tested without machines.
import { intFlag, parse } from '../args.js';
import type { Command } from '../cli.js';
import { ExitCode, UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import { defaultLabDir, labDown, labStatus, labUp, MAX_GUESTS } from '../lab/lab.js';

const usage = `usage: vharness lab up [--guests N] [--dir DIR] [--port PORT] [--no-node LIST] [--vcenter]
       vharness lab down [--dir DIR]
       vharness lab status [--dir DIR] [--json]

up      starts N OpenSSH guests on 127.0.0.11, .12, ... (each with its own host key and PID
        namespace), writes known_hosts and an inventory that reaches them, prints its path
down    kills every guest and removes the lab directory (nothing is left behind)
status  shows each guest and whether its sshd is up

options:
  --guests N       number of guests, 1..${MAX_GUESTS} (default 3)
  --dir DIR        lab directory (default .cache/lab under the current directory)
  --port PORT      SSH port of every guest (default 2222 when free, else a free one)
  --no-node LIST   guests (1-based, comma-separated) with no node on PATH; they get the
                   bundled node runtime on deploy
  --vcenter        also start the vCenter simulator (harness/lab/vcsim.ts)
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
        const guests = intFlag('guests', values.guests, 3);
        if (guests > MAX_GUESTS) throw new UsageError(`Expected --guests to be an integer from 1 to ${MAX_GUESTS}, got '${values.guests}'`);
        const port = values.port === undefined ? undefined : intFlag('port', values.port, 0, 1);
        if (port !== undefined && port > 65535) throw new UsageError(`Expected --port to be a TCP port 1..65535, got '${values.port}'`);
        const state = await labUp({ dir, guests, withoutNode: guestList(values['no-node'], guests), vcenter: values.vcenter === true, ...(port === undefined ? {} : { port }) }, log);
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

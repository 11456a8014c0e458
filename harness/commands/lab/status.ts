// `vharness lab status`: each guest of the lab and whether its sshd is up.
import { defineCommand } from '../../command.js';
import { ExitCode, UsageError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { defaultLabDir, labStatus } from '../../lab/lab.js';
import { labDirOption } from './lab-dir-flag.js';

export const command = defineCommand({
  args: '',
  description: 'Each guest of the lab, its address, pid and whether its sshd answers.',
  flags: {
    dir: labDirOption,
    json: { type: 'boolean', help: 'status as JSON (null when there is no lab)' },
  },
  examples: [
    { command: 'vharness lab status', says: 'the lab in .cache/lab' },
    { command: 'vharness lab status --dir /tmp/lab2 --json', says: 'another lab, as JSON' },
  ],
  exits: [[ExitCode.ok, 'every guest is up'], [ExitCode.usage, 'a bad flag, or no lab in DIR'], [ExitCode.ssh, "some guest's sshd is down"]],
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const dir = values.dir ?? defaultLabDir();
    const status = await labStatus(dir);
    if (!status) {
      if (values.json) process.stdout.write('null\n');
      else createLogger().info(`no lab in ${dir}`);
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
  },
});

// `vharness lab down`: ends every process the lab started and removes its directory.
import { defineCommand } from '../../command.js';
import { ExitCode, UsageError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { defaultLabDir, labDown } from '../../lab/lab.js';
import { labDirOption } from './lab-dir-flag.js';

export const command = defineCommand({
  args: '',
  description: 'Kills every guest (and the vCenter simulator) and removes the lab directory: no process,\nmount or file is left behind.',
  flags: { dir: labDirOption },
  examples: [
    { command: 'vharness lab down', says: 'the lab in .cache/lab' },
    { command: 'vharness lab down --dir /tmp/lab2', says: 'a lab started with --dir /tmp/lab2' },
  ],
  exits: [ExitCode.ok, ExitCode.usage, ExitCode.failure],
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    await labDown(values.dir ?? defaultLabDir(), createLogger());
    return ExitCode.ok;
  },
});

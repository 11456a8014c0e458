// `vharness help [COMMAND [SUBCOMMAND]]`: the same page as `vharness COMMAND [SUB] --help`.
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { renderCommandHelp, renderGroupHelp, renderTopHelp } from '../cli/help.js';
import { groupExamples, resolveCommand } from '../cli/resolve-command.js';
import { topExamples } from '../cli/top-examples.js';
import { commands } from './index.js';

export const command = defineCommand({
  args: '[COMMAND [SUBCOMMAND]]',
  description: 'Without a command: the list of commands. With one: its options, examples and exit codes.',
  flags: {},
  examples: [
    { command: 'vharness help run', says: "run's options, examples and exit codes" },
    { command: 'vharness help model build', says: 'the options of one subcommand only' },
    { command: 'vharness help', says: 'every command with one line each' },
  ],
  exits: [ExitCode.ok, [ExitCode.usage, 'no such command or subcommand']],
  async run({ positionals }) {
    if (positionals.length === 0) {
      process.stdout.write(renderTopHelp(commands, topExamples));
      return ExitCode.ok;
    }
    const resolved = await resolveCommand(positionals);
    if (resolved.rest.length > 0) throw new UsageError(`unexpected argument '${resolved.rest[0]}' after 'help ${resolved.path}'`);
    process.stdout.write(
      resolved.kind === 'group'
        ? renderGroupHelp(resolved.path, resolved.summary, resolved.group, await groupExamples(resolved.group))
        : renderCommandHelp(resolved.path, resolved.summary, resolved.command),
    );
    return ExitCode.ok;
  },
});

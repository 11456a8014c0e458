// `vharness completion bash|zsh`: the shell completion script, made from every command's flags.
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { bashCompletion, zshCompletion, type CompletionInput } from '../cli/completion-script.js';
import { allCommands } from '../cli/resolve-command.js';
import { commands } from './index.js';

const shells = { bash: bashCompletion, zsh: zshCompletion } as const;

export const command = defineCommand({
  args: 'bash|zsh',
  description: 'Prints a script that completes commands, subcommands, flags and the values of flags\nwith fixed choices (--precision fp32|int8, --only ...) and file names.',
  flags: {},
  examples: [
    { command: 'source <(vharness completion bash)', says: 'completion in this bash session (add the line to ~/.bashrc to keep it)' },
    { command: 'vharness completion bash > ~/.local/share/bash-completion/completions/vharness', says: 'installed for bash-completion' },
    { command: 'source <(vharness completion zsh)', says: 'completion in zsh (after compinit; add the line to ~/.zshrc)' },
  ],
  exits: [ExitCode.ok, [ExitCode.usage, 'no shell, or a shell other than bash or zsh']],
  async run({ positionals }) {
    const [shell, extra] = positionals;
    if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`Expected the shell, bash or zsh, got ${shell === undefined ? 'nothing' : `'${shell}'`}`);
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const leaves = await allCommands();
    const groups: CompletionInput['groups'] = {};
    for (const { path } of leaves) {
      const [group, sub] = path.split(' ');
      if (group !== undefined && sub !== undefined) (groups[group] ??= []).push(sub);
    }
    process.stdout.write(shells[shell]({ commands: Object.keys(commands), groups, leaves }));
    return ExitCode.ok;
  },
});

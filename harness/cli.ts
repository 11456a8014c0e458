// The one CLI edge: find the command, handle --help and --version, parse its flags, run it,
// turn known errors into `error: message` and an exit code. Nothing below this file calls
// process.exit.
import { asVharnessError, ExitCode, UsageError, VharnessError } from './errors.js';
import { renderCommandHelp, renderGroupHelp, renderTopHelp } from './cli/help.js';
import { parseFlags } from './cli/parse-flags.js';
import { groupExamples, resolveCommand } from './cli/resolve-command.js';
import { packageVersion } from './cli/version.js';
import { commands } from './commands/index.js';
import { topExamples } from './cli/top-examples.js';

/** The arguments before `--` (after it everything is a positional). */
function options(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
}

export async function main(argv: string[]): Promise<number> {
  let path = '';
  try {
    const flags = options(argv);
    if (flags.includes('-V') || flags.includes('--version') || (argv[0] === '-v' && argv.length === 1)) {
      process.stdout.write(`${packageVersion()}\n`);
      return ExitCode.ok;
    }
    const [first] = argv;
    if (first === undefined || first === '--help' || first === '-h') {
      process.stdout.write(renderTopHelp(commands, topExamples));
      return ExitCode.ok;
    }
    if (first.startsWith('-')) throw new UsageError(`Expected a command before '${first}'`, { hint: "see 'vharness --help'" });
    const resolved = await resolveCommand(argv);
    path = resolved.path;
    const wantsHelp = options(resolved.rest).some((a) => a === '--help' || a === '-h');
    if (resolved.kind === 'group') {
      const help = renderGroupHelp(resolved.path, resolved.summary, resolved.group, await groupExamples(resolved.group));
      if (wantsHelp) {
        process.stdout.write(help);
        return ExitCode.ok;
      }
      const names = Object.keys(resolved.group.subcommands);
      throw new UsageError(`missing subcommand: ${names.join(', ')}`, { hint: `see 'vharness ${resolved.path} --help'` });
    }
    if (wantsHelp) {
      process.stdout.write(renderCommandHelp(resolved.path, resolved.summary, resolved.command));
      return ExitCode.ok;
    }
    return await resolved.command.run(parseFlags(resolved.path, resolved.command, resolved.rest));
  } catch (error) {
    return reportError(error, path);
  }
}

/** Prints a known error as one message (plus hint), an unknown one with its stack. */
export function reportError(thrown: unknown, path = ''): number {
  const error = asVharnessError(thrown);
  if (error instanceof VharnessError) {
    for (const line of error.message.split('\n')) process.stderr.write(`error: ${line}\n`);
    const hint = error.hint ?? (error instanceof UsageError ? `see 'vharness ${path === '' ? '' : `${path} `}--help'` : undefined);
    if (hint) process.stderr.write(`hint: ${hint}\n`);
    if (process.env.VHARNESS_DEBUG === '1' && error.cause !== undefined) process.stderr.write(`cause: ${String(error.cause)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.failure;
}

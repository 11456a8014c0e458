// A command's argv parsed against the flags it declares (node:util parseArgs, strict): an unknown
// flag or a missing value is a UsageError naming the flag, with the closest known flag suggested.
import { parseArgs } from 'node:util';
import type { Command, CommandInput, Flags } from '../command.js';
import { UsageError } from '../errors.js';
import { closest } from './suggest.js';

/** `values` typed after the command's flags; `path` names the command in messages (`model build`). */
export function parseFlags<F extends Flags>(path: string, command: Command<F>, argv: string[]): CommandInput<F> {
  const options = Object.fromEntries(
    Object.entries(command.flags).map(([name, flag]) => [name, flag.short === undefined ? { type: flag.type } : { type: flag.type, short: flag.short }]),
  );
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as CommandInput<F>['values'], positionals, argv };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\. To specify a positional argument.*$/s, '');
    const unknown = /^Unknown option '(-{1,2})([^'=]+)'/.exec(message);
    const guess = unknown?.[1] === '--' && unknown[2] !== undefined ? closest(unknown[2], Object.keys(command.flags)) : undefined;
    const hint = guess === undefined ? `see 'vharness ${path} --help'` : `did you mean --${guess}? (see 'vharness ${path} --help')`;
    throw new UsageError(message, { hint });
  }
}

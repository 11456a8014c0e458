// What a command is: its flags, help text, examples and exit codes, declared by each command
// file (as govc registers flags per command), read by the dispatcher, the help and completion.
import type { ExitCode } from './errors.js';

/** One flag of a command, declared where the command is implemented. */
export interface Flag {
  type: 'string' | 'boolean';
  /** One-letter alias, e.g. 'i' for -i. */
  short?: string;
  /** Placeholder of the value in the help, e.g. FILE. @default VALUE for string flags */
  arg?: string;
  /** One line (or a few) for the help. */
  help: string;
  /** Values completion can offer. */
  choices?: readonly string[];
  /** Complete the value as a file name (bash/zsh completion). */
  file?: boolean;
}

export type Flags = Record<string, Flag>;

/** Values of parsed flags: strings for string flags, booleans for boolean ones. */
export type FlagValues<F extends Flags> = { [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string };

export interface Example {
  /** The command line, starting with `vharness`. */
  command: string;
  /** What it does, one line. */
  says: string;
}

/** An exit code, with what it means for this command when the general meaning is not enough. */
export type ExitDoc = ExitCode | readonly [ExitCode, string];

export interface CommandInput<F extends Flags> {
  values: FlagValues<F>;
  positionals: string[];
  /** The arguments after the command name, as given. */
  argv: string[];
}

/** A command (or a subcommand of a group): `run` returns the exit code. */
export interface Command<F extends Flags = Flags> {
  kind: 'command';
  /** Positional arguments in the synopsis, e.g. `CONFIG` or `IN.onnx OUT.onnx`. */
  args: string;
  /** What it does, a few lines. */
  description: string;
  flags: F;
  examples: readonly Example[];
  exits: readonly ExitDoc[];
  run(input: CommandInput<F>): Promise<number>;
}

/** A subcommand in a group's list, loaded only when used. */
export interface SubcommandEntry {
  summary: string;
  load(): Promise<Command>;
}

/** A command with subcommands (`model build|quantize|inspect`). */
export interface CommandGroup {
  kind: 'group';
  description: string;
  subcommands: Readonly<Record<string, SubcommandEntry>>;
}

/** A top-level command in the registry: its one-line summary and how to load it. */
export interface CommandEntry {
  summary: string;
  load(): Promise<Command | CommandGroup>;
}

/** Declares a command, keeping the flag names as the type of its parsed values. */
export function defineCommand<const F extends Flags>(command: Omit<Command<F>, 'kind'>): Command<F> {
  return { kind: 'command', ...command };
}

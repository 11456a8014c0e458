// From the words of a command line to the command they name: `model build ...` -> the build
// subcommand of the model group, with "did you mean" for a mistyped name.
import type { Command, CommandEntry, CommandGroup, Example } from '../command.js';
import { commands } from '../commands/index.js';
import { UsageError } from '../errors.js';
import { closest } from './suggest.js';

export type Resolved =
  | { kind: 'command'; path: string; summary: string; command: Command; rest: string[] }
  | { kind: 'group'; path: string; summary: string; group: CommandGroup; rest: string[] };

function unknownName(what: string, name: string, known: string[], helpPath: string): UsageError {
  const guess = closest(name, known);
  const see = `see 'vharness ${helpPath}--help'`;
  return new UsageError(`unknown ${what} '${name}'`, { hint: guess === undefined ? `expected one of ${known.join(', ')}; ${see}` : `did you mean '${guess}'? (${see})` });
}

/** The top-level entry named `name`, or a UsageError with a suggestion. */
export function commandEntry(name: string): CommandEntry {
  const entry = commands[name];
  if (entry === undefined) throw unknownName('command', name, Object.keys(commands), '');
  return entry;
}

/**
 * Resolves `words` (a command, and a subcommand for groups): a group without a subcommand
 * word resolves to the group itself; the words after the command are `rest`.
 */
export async function resolveCommand(words: string[]): Promise<Resolved> {
  const [name = '', ...afterName] = words;
  const entry = commandEntry(name);
  const loaded = await entry.load();
  if (loaded.kind === 'command') return { kind: 'command', path: name, summary: entry.summary, command: loaded, rest: afterName };
  const [sub, ...rest] = afterName;
  if (sub === undefined || sub.startsWith('-')) return { kind: 'group', path: name, summary: entry.summary, group: loaded, rest: afterName };
  const subEntry = loaded.subcommands[sub];
  if (subEntry === undefined) throw unknownName(`${name} subcommand`, sub, Object.keys(loaded.subcommands), `${name} `);
  return { kind: 'command', path: `${name} ${sub}`, summary: subEntry.summary, command: await subEntry.load(), rest };
}

/** A group's examples: the first example of each subcommand. */
export async function groupExamples(group: CommandGroup): Promise<Example[]> {
  const subs = await Promise.all(Object.values(group.subcommands).map((s) => s.load()));
  const each = Math.max(1, Math.floor(4 / subs.length));
  return subs.flatMap((s) => s.examples.slice(0, each)).slice(0, 4);
}

/** Every command and subcommand with its path (help tests, completion). */
export async function allCommands(): Promise<{ path: string; summary: string; command: Command }[]> {
  const out: { path: string; summary: string; command: Command }[] = [];
  for (const [name, entry] of Object.entries(commands)) {
    const loaded = await entry.load();
    if (loaded.kind === 'command') out.push({ path: name, summary: entry.summary, command: loaded });
    else for (const [sub, s] of Object.entries(loaded.subcommands)) out.push({ path: `${name} ${sub}`, summary: s.summary, command: await s.load() });
  }
  return out;
}

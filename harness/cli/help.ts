// One help layout for every page: usage, description, options (or subcommands), examples and
// exit codes. Text only; the dispatcher decides where it goes.
import type { Command, CommandEntry, CommandGroup, Example, ExitDoc, Flag } from '../command.js';
import { exitMeanings } from './exit-meanings.js';

/** Flags every command accepts; the dispatcher handles them before the command's own. */
export const globalFlags: Readonly<Record<string, Flag>> = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  version: { type: 'boolean', short: 'V', help: 'print the version of vharness' },
};

function flagLabel(name: string, flag: Flag): string {
  const value = flag.type === 'string' ? ` ${flag.arg ?? 'VALUE'}` : '';
  return `${flag.short === undefined ? '    ' : `-${flag.short}, `}--${name}${value}`;
}

/** Two columns: the label padded to the widest one, multi-line text indented under itself. */
function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.min(28, Math.max(...rows.map(([label]) => label.length)));
  const lines: string[] = [];
  for (const [label, text] of rows) {
    const [first = '', ...more] = text.split('\n');
    if (label.length > width) lines.push(`  ${label}`, `  ${' '.repeat(width)}  ${first}`);
    else lines.push(`  ${label.padEnd(width)}  ${first}`);
    for (const line of more) lines.push(`  ${' '.repeat(width)}  ${line}`);
  }
  return lines;
}

function examplesSection(examples: readonly Example[]): string[] {
  if (examples.length === 0) return [];
  return ['', 'examples:', ...examples.flatMap((e) => [`  ${e.command}`, `      ${e.says}`])];
}

function exitsSection(exits: readonly ExitDoc[]): string[] {
  const rows = exits
    .map((e): [number, string] => (typeof e === 'number' ? [e, exitMeanings[e]] : [e[0], e[1]]))
    .sort((x, y) => x[0] - y[0])
    .map(([code, meaning]): [string, string] => [String(code), meaning]);
  return ['', 'exit codes:', ...columns(rows)];
}

/** The synopsis of a command: `vharness run CONFIG [options]`. */
export function synopsis(path: string, command: Command): string {
  return `vharness ${path}${command.args === '' ? '' : ` ${command.args}`}${Object.keys(command.flags).length > 0 ? ' [options]' : ''}`;
}

export function renderCommandHelp(path: string, summary: string, command: Command): string {
  const flagRows = Object.entries({ ...command.flags, ...globalFlags }).map(([name, flag]): [string, string] => [flagLabel(name, flag), flag.help]);
  return [
    `usage: ${synopsis(path, command)}`,
    '',
    `${summary}.`,
    ...(command.description === '' ? [] : ['', command.description]),
    '',
    'options:',
    ...columns(flagRows),
    ...examplesSection(command.examples),
    ...exitsSection(command.exits),
    '',
  ].join('\n');
}

export function renderGroupHelp(path: string, summary: string, group: CommandGroup, examples: readonly Example[]): string {
  const names = Object.keys(group.subcommands);
  return [
    `usage: vharness ${path} ${names.join('|')} [options]`,
    '',
    `${summary}.`,
    ...(group.description === '' ? [] : ['', group.description]),
    '',
    'subcommands:',
    ...columns(Object.entries(group.subcommands).map(([name, sub]): [string, string] => [name, sub.summary])),
    '',
    'options:',
    ...columns(Object.entries(globalFlags).map(([name, flag]): [string, string] => [flagLabel(name, flag), flag.help])),
    ...examplesSection(examples),
    '',
    `Run 'vharness help ${path} <subcommand>' for a subcommand's options, examples and exit codes.`,
    '',
  ].join('\n');
}

export function renderTopHelp(commands: Readonly<Record<string, CommandEntry>>, examples: readonly Example[]): string {
  return [
    'usage: vharness <command> [options]',
    '',
    'Deep-learning inference benchmarks on vSphere VMs against bare metal (ResNet-50, fp32/int8).',
    '',
    'commands:',
    ...columns(Object.entries(commands).map(([name, entry]): [string, string] => [name, entry.summary])),
    '',
    'options:',
    ...columns(Object.entries(globalFlags).map(([name, flag]): [string, string] => [flagLabel(name, flag), flag.help])),
    ...examplesSection(examples),
    ...exitsSection(Object.keys(exitMeanings).map((code) => Number(code) as ExitDoc & number)),
    '',
    "Run 'vharness help <command>' (or 'vharness <command> --help') for a command's options, examples and exit codes.",
    '',
  ].join('\n');
}

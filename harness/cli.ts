// The one CLI edge: parse the command, run it, turn known errors into `error: message` and
// an exit code. Nothing below this file calls process.exit.
import { asVharnessError, ExitCode, VharnessError } from './errors.js';

/** A subcommand: `run` returns the exit code; `--help` is handled here from `usage`. */
export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

// Loaded lazily so `vharness agent` does not load the controller and vice versa.
const commands: Record<string, () => Promise<{ command: Command }>> = {
  run: () => import('./commands/run.js'),
  plan: () => import('./commands/plan.js'),
  compare: () => import('./commands/compare.js'),
  report: () => import('./commands/report.js'),
  infer: () => import('./commands/infer.js'),
  model: () => import('./commands/model.js'),
  probe: () => import('./commands/probe.js'),
  lab: () => import('./commands/lab.js'),
  vms: () => import('./commands/vms.js'),
  inventory: () => import('./commands/inventory.js'),
  agent: () => import('./commands/agent.js'),
};

async function loadCommand(name: string): Promise<Command | undefined> {
  const load = commands[name];
  if (!load) return undefined;
  try {
    return (await load()).command;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes(`commands/${name}.js`)) {
      return undefined; // not built in this version
    }
    throw error;
  }
}

async function topUsage(): Promise<string> {
  const lines = ['usage: vharness <command> [options]', '', 'commands:'];
  for (const name of Object.keys(commands)) {
    const command = await loadCommand(name);
    if (command) lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  lines.push('', 'Run `vharness <command> --help` for a command\'s options.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(`${await topUsage()}\n`);
      return name === undefined ? ExitCode.usage : ExitCode.ok;
    }
    if (name === '--version' || name === '-v') {
      const { readFileSync } = await import('node:fs');
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`${pkg.version}\n`);
      return ExitCode.ok;
    }
    const command = await loadCommand(name);
    if (!command) {
      process.stderr.write(`error: unknown command '${name}'\n\n${await topUsage()}\n`);
      return ExitCode.usage;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${command.usage.trimEnd()}\n`);
      return ExitCode.ok;
    }
    return await command.run(rest);
  } catch (error) {
    return reportError(error);
  }
}

/** Prints a known error as one message (plus hint), an unknown one with its stack. */
export function reportError(thrown: unknown): number {
  const error = asVharnessError(thrown);
  if (error instanceof VharnessError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    if (process.env.VHARNESS_DEBUG === '1' && error.cause !== undefined) process.stderr.write(`cause: ${String(error.cause)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.failure;
}

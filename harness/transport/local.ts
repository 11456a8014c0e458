// A local agent: a child process running dist/agent/main.js, optionally pinned with taskset and
// wrapped (e.g. in a cgroup launcher), speaking NDJSON over its stdio.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatCpuList } from '../../agent/cpu-list.js';
import { AgentError } from '../errors.js';
import { ndjsonChannel, type AgentChannel, type ChannelClosed } from './channel.js';

export interface LocalAgentOptions {
  /** Names the agent in messages, e.g. `local#0`. */
  label: string;
  /** Pin the agent to these CPUs with `taskset -c`. @default not pinned */
  cpus?: number[];
  /** Argv prefix run before everything else (e.g. a cgroup launcher: `['cgexec', '-g', 'memory:x']`). @default none */
  wrapper?: string[];
  /** The agent's environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The agent's working directory. @default process.cwd() */
  cwd?: string;
  /** The agent entry script. @default dist/agent/main.js next to this build */
  agentScript?: string;
}

/** The compiled agent entry of this build (harness/transport -> agent/main.js). */
export const LOCAL_AGENT_SCRIPT = fileURLToPath(new URL('../../agent/main.js', import.meta.url));

/** The argv that starts the agent: [wrapper...] [taskset -c LIST] node main.js. */
export function localAgentCommand(options: Pick<LocalAgentOptions, 'cpus' | 'wrapper' | 'agentScript'>): string[] {
  const argv: string[] = [...(options.wrapper ?? [])];
  if (options.cpus !== undefined) {
    if (options.cpus.length === 0 || options.cpus.some((c) => !Number.isInteger(c) || c < 0)) {
      throw new AgentError(`Expected cpus to be a non-empty list of CPU numbers >= 0, got ${JSON.stringify(options.cpus)}`);
    }
    argv.push('taskset', '-c', formatCpuList(options.cpus));
  }
  argv.push(process.execPath, options.agentScript ?? LOCAL_AGENT_SCRIPT);
  return argv;
}

/** Spawns a local agent and wraps its stdio as an AgentChannel; destroy() kills it by pid. */
export async function spawnLocalAgent(options: LocalAgentOptions): Promise<AgentChannel> {
  const [file, ...args] = localAgentCommand(options);
  if (file === undefined) throw new AgentError(`${options.label}: empty agent command`);
  const child = spawn(file, args, {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const ended = new Promise<ChannelClosed>((resolve) => {
    let spawnError: Error | undefined;
    child.once('error', (error) => {
      spawnError = error;
      // 'close' may never come when the spawn itself failed
      if (child.pid === undefined) resolve({ reason: `cannot start ${file}: ${error.message}`, exitCode: null });
    });
    child.once('close', (code, signal) => {
      if (spawnError && child.pid === undefined) return;
      const reason = spawnError
        ? `agent process failed: ${spawnError.message}`
        : signal !== null
          ? `agent killed by ${signal}`
          : `agent exited with code ${code ?? 'unknown'}`;
      resolve({ reason, exitCode: code });
    });
  });
  // Wait for the spawn to succeed or fail, so a missing taskset or wrapper is an error here.
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (error) => reject(new AgentError(`${options.label}: cannot start the agent (${file}): ${error.message}`, undefined, { cause: error })));
  });
  const { stdout, stdin, stderr } = child;
  return ndjsonChannel({
    label: options.label,
    stdout,
    stdin,
    stderr,
    ended,
    destroy() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  });
}

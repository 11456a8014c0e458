// Runs the built CLI (bin/vharness.js) as a user would, in a child process, and collects what
// it printed and its exit code. Shared by every test that goes through the command line.
import { spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/test/). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = join(repoRoot, 'bin/vharness.js');

export interface CliRun {
  /** Exit code; null when a signal ended the process. */
  code: number | null;
  /** The signal that ended the process, when one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with all stderr so far after each chunk (e.g. to signal the child at a phase). */
  onStderr?: (stderr: string, child: ChildProcess) => void;
  /** SIGKILL the child after this long. @default no limit */
  timeoutMs?: number;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The `results: DIR` line a run prints on stdout. */
export function resultsDirOf(run: CliRun): string {
  const dir = /^results: (.+)$/m.exec(run.stdout)?.[1];
  assert.ok(dir, `stdout names the results directory:\n${run.stdout}\n${run.stderr}`);
  return dir;
}

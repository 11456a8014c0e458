// Runs a child process to completion and parses the JSON it prints on stdout: each measurement in
// the bench runs in a fresh process so one cannot warm or pollute the next.
import { spawn } from 'node:child_process';

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  /** Kill the child after this long (ms). @default 600000 */
  timeoutMs?: number;
}

/** Runs `file args`, resolves with its stdout parsed as JSON (the last non-empty line when there are several). */
export function runJson<T>(file: string, args: string[], options: ChildOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  return new Promise<T>((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${file}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const command = `${file} ${args.join(' ')}`;
      if (code !== 0) {
        reject(new Error(`${command} ${signal ? `was killed by ${signal} (timeout ${timeoutMs} ms?)` : `exited with ${code}`}\n${stderr.trim()}`));
        return;
      }
      const text = stdout.trim();
      try {
        resolve(JSON.parse(text.startsWith('{') && text.endsWith('}') ? text : (text.split('\n').at(-1) ?? '')) as T);
      } catch {
        reject(new Error(`${command} printed no JSON: ${text.slice(0, 200)}`));
      }
    });
  });
}

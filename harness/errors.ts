// Named error classes with one exit code per failure class (listed in the README).
// Library code throws these; only harness/cli.ts turns them into a message and an exit code.
import { ModelFailure } from '../model/model-failure.js';

export const ExitCode = {
  ok: 0,
  /** Something failed that has no more specific class (a bug, an I/O error). */
  failure: 1,
  /** Bad command line: unknown command, flag or value. */
  usage: 2,
  /** Bad config or inventory file (file, line, key, value are named). */
  config: 3,
  /** Bad model file or failed model build/quantization. */
  model: 4,
  /** The agent failed or broke the protocol. */
  agent: 5,
  /** SSH transport or deploy failure (host key, auth, connection). */
  ssh: 6,
  /** vSphere failure (fault, task error, timeout). */
  vsphere: 7,
  /** A run finished but some cells failed; their results say why. */
  cellsFailed: 8,
  /** A run directory is damaged, or in use by another vharness process. */
  runDir: 9,
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface VharnessErrorOptions {
  cause?: unknown;
  /** One line telling the user what to do about it. */
  hint?: string;
}

/** Base class: a known failure with a message meant for the user and a process exit code. */
export class VharnessError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: ExitCode, options: VharnessErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

export class UsageError extends VharnessError {
  constructor(message: string, options?: VharnessErrorOptions) {
    super(message, ExitCode.usage, options);
  }
}

/** Where in a YAML file a bad value sits. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export class ConfigError extends VharnessError {
  readonly location: SourceLocation;
  /** Key path like `workloads[2].batch`. */
  readonly keyPath: string | undefined;
  readonly value: unknown;
  constructor(location: SourceLocation, keyPath: string | undefined, message: string, value?: unknown, options?: VharnessErrorOptions) {
    const where = `${location.file}${location.line === undefined ? '' : `:${location.line}${location.column === undefined ? '' : `:${location.column}`}`}`;
    const key = keyPath === undefined || keyPath === '' ? '' : ` ${keyPath}:`;
    const got = value === undefined ? '' : `, got ${formatValue(value)}`;
    super(`${where}:${key} ${message}${got}`, ExitCode.config, options);
    this.location = location;
    this.keyPath = keyPath;
    this.value = value;
  }
}

/** Every problem found in one config or inventory file, one line each (exit 3). */
export class ConfigErrors extends VharnessError {
  readonly problems: readonly ConfigError[];
  constructor(problems: readonly ConfigError[]) {
    super(problems.map((p) => p.message).join('\n'), ExitCode.config);
    this.problems = problems;
  }
}

export class ModelError extends VharnessError {
  constructor(message: string, options?: VharnessErrorOptions) {
    super(message, ExitCode.model, options);
  }
}

export class AgentError extends VharnessError {
  /** The protocol error code sent by the agent, when there was one. */
  readonly code: string | undefined;
  constructor(message: string, code?: string, options?: VharnessErrorOptions) {
    super(message, ExitCode.agent, options);
    this.code = code;
  }
}

export class SshError extends VharnessError {
  readonly host: string;
  constructor(host: string, message: string, options?: VharnessErrorOptions) {
    super(`${host}: ${message}`, ExitCode.ssh, options);
    this.host = host;
  }
}

export class VsphereError extends VharnessError {
  constructor(message: string, options?: VharnessErrorOptions) {
    super(message, ExitCode.vsphere, options);
  }
}

/** The model package's failures as the controller's classes (model/ knows no exit codes): a bad
 * input image is bad input (exit 2), anything else about a model exit 4. Other errors pass through. */
export function asVharnessError(error: unknown): unknown {
  if (!(error instanceof ModelFailure)) return error;
  const options: VharnessErrorOptions = { cause: error.cause, hint: error.hint };
  return error.kind === 'input' ? new UsageError(error.message, options) : new ModelError(error.message, options);
}

/** Render a received value for an error message: short, quoted strings, JSON otherwise. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

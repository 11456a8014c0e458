// Typed log events to stderr, one formatter per kind. Progress lines redraw in place on a TTY
// and are dropped otherwise (quiet in CI and pipes); everything else is one line each.

export type LogEvent =
  | { kind: 'info'; message: string }
  | { kind: 'warn'; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'debug'; message: string }
  | { kind: 'progress'; message: string };

const formatters: { [K in LogEvent['kind']]: (e: Extract<LogEvent, { kind: K }>) => string } = {
  info: (e) => e.message,
  warn: (e) => `warning: ${e.message}`,
  error: (e) => `error: ${e.message}`,
  debug: (e) => `debug: ${e.message}`,
  progress: (e) => e.message,
};

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** A transient status line (TTY only). */
  progress(message: string): void;
}

export interface LoggerOptions {
  stream?: NodeJS.WriteStream;
  verbose?: boolean;
  /** Show progress lines. @default stream.isTTY */
  progress?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const showProgress = options.progress ?? Boolean(stream.isTTY);
  const verbose = options.verbose ?? process.env.VHARNESS_DEBUG === '1';
  let progressShown = false;

  const write = (event: LogEvent): void => {
    const text = (formatters[event.kind] as (e: LogEvent) => string)(event);
    if (event.kind === 'progress') {
      if (!showProgress) return;
      stream.write(`\r\x1b[2K${fitLine(text, stream.columns)}`);
      progressShown = true;
      return;
    }
    if (event.kind === 'debug' && !verbose) return;
    if (progressShown) {
      stream.write('\r\x1b[2K');
      progressShown = false;
    }
    stream.write(`${text}\n`);
  };
  return {
    info: (message) => write({ kind: 'info', message }),
    warn: (message) => write({ kind: 'warn', message }),
    error: (message) => write({ kind: 'error', message }),
    debug: (message) => write({ kind: 'debug', message }),
    progress: (message) => write({ kind: 'progress', message }),
  };
}

/** A progress line cut to the terminal's width (one column spare, so it never wraps); a terminal
 * that reports no width (0 or undefined) gets the whole line. */
export function fitLine(text: string, columns: number | undefined): string {
  return columns !== undefined && columns > 1 ? text.slice(0, columns - 1) : text;
}

/** A logger that drops everything (tests, --json modes that own stderr). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {}, progress() {} };

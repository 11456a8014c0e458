// `vharness agent`: the agent's stdio protocol loop in this process (what a controller spawns).
import { serveAgent } from '../../agent/serve.js';
import type { Command } from '../cli.js';
import { parse } from '../args.js';
import { UsageError } from '../errors.js';

const usage = `usage: vharness agent

Runs the benchmark agent: newline-delimited JSON requests on stdin, answers on stdout,
logs on stderr (see agent/protocol.ts). Exits 0 after 'bye' or when stdin closes,
1 after a fatal protocol error. Normally started by 'vharness run', not by hand.`;

export const command: Command = {
  summary: 'serve the benchmark agent protocol on stdin/stdout',
  usage,
  async run(argv) {
    const { positionals } = parse(argv, {}, usage);
    if (positionals.length > 0) throw new UsageError(`'vharness agent' takes no arguments, got '${positionals[0]}'`, { hint: usage.split('\n')[0] });
    return serveAgent({ input: process.stdin, output: process.stdout });
  },
};

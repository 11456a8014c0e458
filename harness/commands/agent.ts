// `vharness agent`: the agent's stdio protocol loop in this process (what a controller spawns).
import { serveAgent } from '../../agent/serve.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';

export const command = defineCommand({
  args: '',
  description: `Runs the benchmark agent: newline-delimited JSON requests on stdin, answers on stdout,
logs on stderr (see agent/protocol.ts). Normally started by 'vharness run', not by hand.`,
  flags: {},
  examples: [
    { command: `echo '{"id":1,"type":"hello"}' | vharness agent`, says: "the agent's hello answer: protocol version and this host's facts" },
    { command: 'vharness agent 2>agent.log', says: 'serve requests from stdin, logs to a file' },
  ],
  exits: [[0, "after 'bye' or when stdin closes"], [1, 'after a fatal protocol error'], [2, 'arguments given']],
  async run({ positionals }) {
    if (positionals.length > 0) throw new UsageError(`'vharness agent' takes no arguments, got '${positionals[0]}'`);
    return serveAgent({ input: process.stdin, output: process.stdout });
  },
});

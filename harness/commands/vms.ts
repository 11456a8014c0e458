// Placeholder until the command lands; replaced by its implementation.
import type { Command } from '../cli.js';
import { VharnessError, ExitCode } from '../errors.js';

export const command: Command = {
  summary: '(not built yet)',
  usage: 'usage: vharness vms (not built yet)',
  async run() {
    throw new VharnessError("'vms' is not built yet", ExitCode.failure);
  },
};

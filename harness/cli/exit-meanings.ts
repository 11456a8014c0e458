// What each exit code means in general (README "Exit codes"); help pages list a command's codes
// with these words unless the command says something more precise.
import { ExitCode } from '../errors.js';

export const exitMeanings: Readonly<Record<ExitCode, string>> = {
  [ExitCode.ok]: 'success',
  [ExitCode.failure]: 'internal error (a bug: the message has a stack trace)',
  [ExitCode.usage]: 'bad command line (unknown command, flag or value)',
  [ExitCode.config]: 'bad config or inventory (file:line:column, key path and value are named)',
  [ExitCode.model]: 'bad model file, or a model build/quantization failed',
  [ExitCode.agent]: 'the agent failed or broke the protocol',
  [ExitCode.ssh]: 'SSH: host key refused, authentication failed, host unreachable',
  [ExitCode.vsphere]: 'vSphere: fault, task error, timeout',
  [ExitCode.cellsFailed]: 'the run finished but some cells failed (their results say why)',
  [ExitCode.runDir]: 'the run directory is damaged, or another --resume holds its lock',
  [ExitCode.interrupted]: 'interrupted by SIGINT (Ctrl-C)',
  [ExitCode.terminated]: 'interrupted by SIGTERM',
};

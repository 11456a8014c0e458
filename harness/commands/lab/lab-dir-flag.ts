// The --dir flag every lab subcommand takes.
import type { Flag } from '../../command.js';

export const labDirOption = { type: 'string', arg: 'DIR', file: true, help: 'lab directory (default .cache/lab under the current directory)' } as const satisfies Flag;

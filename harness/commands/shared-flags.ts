// Flags that several commands declare the same way (each command still lists its own).
import type { Flag } from '../command.js';
import { PRECISIONS, WORKLOADS } from '../core/vocabulary.js';

export const inventoryOption = { type: 'string', short: 'i', arg: 'FILE', file: true, help: 'the inventory: where to run (default: this machine, inventories/local.yaml)' } as const satisfies Flag;
export const jsonOption = (what: string) => ({ type: 'boolean', help: `print ${what} as JSON on stdout` }) as const satisfies Flag;
export const onlyOption = { type: 'string', arg: 'WORKLOAD', choices: WORKLOADS, help: `only these workloads: ${WORKLOADS.join(', ')} (comma-separated)` } as const satisfies Flag;
export const precisionsOption = { type: 'string', arg: 'P', choices: PRECISIONS, help: `only these precisions: ${PRECISIONS.join(', ')} (comma-separated)` } as const satisfies Flag;
export const precisionOption = { type: 'string', arg: 'P', choices: PRECISIONS, help: `${PRECISIONS.join(' or ')} (default fp32)` } as const satisfies Flag;

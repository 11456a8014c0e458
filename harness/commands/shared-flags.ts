// Flags that several commands declare the same way (each command still lists its own).
import type { Flag } from '../command.js';

export const inventoryOption = { type: 'string', short: 'i', arg: 'FILE', file: true, help: 'the inventory: where to run (default: this machine, inventories/local.yaml)' } as const satisfies Flag;
export const jsonOption = (what: string) => ({ type: 'boolean', help: `print ${what} as JSON on stdout` }) as const satisfies Flag;
export const onlyOption = { type: 'string', arg: 'WORKLOAD', choices: ['latency', 'throughput', 'scaling', 'multistream'], help: 'only these workloads: latency, throughput, scaling, multistream (comma-separated)' } as const satisfies Flag;
export const precisionsOption = { type: 'string', arg: 'P', choices: ['fp32', 'int8'], help: 'only these precisions: fp32, int8 (comma-separated)' } as const satisfies Flag;
export const precisionOption = { type: 'string', arg: 'P', choices: ['fp32', 'int8'], help: 'fp32 or int8 (default fp32)' } as const satisfies Flag;

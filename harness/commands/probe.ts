// `vharness probe [-i INVENTORY] [--json]`: the facts of every host an inventory names.
import { parse } from '../args.js';
import type { Command } from '../cli.js';
import { loadInventory } from '../config/load.js';
import { ExitCode } from '../errors.js';
import { createLogger } from '../log.js';
import { probeInventory } from '../probe/probe.js';
import { probeTable } from '../probe/probe-table.js';

const usage = `usage: vharness probe [-i INVENTORY] [--json]

Starts the agent on every host of the inventory (deploying it to SSH hosts first) and shows
each host's CPU model, sockets, cores, threads, VNNI/AMX, memory, NUMA nodes, OS and node.

options:
  -i, --inventory FILE   inventory to probe (default: the embedded local inventory)
      --json             print the facts as JSON on stdout instead of a table
  -h, --help             this help

Exit code 0 when every host answered, 6 when an SSH host could not be probed, 5 when the
local agent failed.`;

export const command: Command = {
  summary: 'show the CPU, memory and OS facts of every host of an inventory',
  usage,
  async run(argv) {
    const { values } = parse(argv, { inventory: { type: 'string', short: 'i' }, json: { type: 'boolean' } }, usage);
    const inventory = await loadInventory(values.inventory);
    const log = createLogger();
    const hosts = await probeInventory(inventory, log);
    process.stdout.write(values.json ? `${JSON.stringify(hosts, null, 2)}\n` : `${probeTable(hosts)}\n`);
    const failed = hosts.filter((h) => h.status === 'failed');
    for (const host of failed) {
      const reason = host.error ?? 'failed';
      log.error(reason.startsWith(`${host.name}`) ? reason : `${host.name}: ${reason}`);
    }
    if (failed.some((h) => h.provider === 'ssh')) return ExitCode.ssh;
    return failed.length > 0 ? ExitCode.agent : ExitCode.ok;
  },
};

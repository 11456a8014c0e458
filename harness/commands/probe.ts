// `vharness probe [-i INVENTORY] [--json]`: the facts of every host an inventory names.
import { defineCommand } from '../command.js';
import { loadInventory } from '../config/load.js';
import { ExitCode } from '../errors.js';
import { createLogger } from '../log.js';
import { probeInventory } from '../probe/probe.js';
import { probeTable } from '../probe/probe-table.js';
import { inventoryOption, jsonOption } from './shared-flags.js';

export const command = defineCommand({
  args: '',
  description: `Starts the agent on every host of the inventory (deploying it to SSH hosts first) and shows
each host's CPU model, sockets, cores, threads, VNNI/AMX, memory, NUMA nodes, whether it is
virtualized, its cgroup CPU and memory limits, OS and node. A "bare metal" baseline that is
itself virtualized or limited shows here.`,
  flags: {
    inventory: { ...inventoryOption, help: 'inventory to probe (default: the embedded local inventory)' },
    json: jsonOption('the facts'),
  },
  examples: [
    { command: 'vharness probe', says: 'the facts of this machine' },
    { command: 'vharness probe -i inventories/lab.yaml', says: 'every SSH host and vSphere guest of a lab' },
    { command: 'vharness probe -i .cache/lab/inventory.yaml --json', says: 'the simulated lab, as JSON' },
  ],
  exits: [[ExitCode.ok, 'every host answered'], ExitCode.usage, ExitCode.config, [ExitCode.agent, 'the local agent failed'], [ExitCode.ssh, 'an SSH host could not be probed']],
  async run({ values }) {
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
});

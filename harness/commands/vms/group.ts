// `vharness vms list|destroy`: the VMs vharness owns on the inventory's vCenter.
import type { CommandGroup } from '../../command.js';

export const group: CommandGroup = {
  kind: 'group',
  description: `VMs vharness owns on the inventory's vCenter: those with its ownership note (found in vCenter,
whoever created them) and those in this machine's lease store (written before each clone, so an
interrupted run leaves nothing untracked), whatever the current directory.`,
  subcommands: {
    list: { summary: 'show the owned VMs: run, configuration, power, size, host, address, lease', load: async () => (await import('./list.js')).command },
    destroy: { summary: 'power off and destroy owned VMs, by run, by expired lease, or all', load: async () => (await import('./destroy.js')).command },
  },
};

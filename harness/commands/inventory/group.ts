// `vharness inventory diff`: what differs between two labs.
import type { CommandGroup } from '../../command.js';

export const group: CommandGroup = {
  kind: 'group',
  description: 'Inventories name where a run goes (vCenter, template, hosts, SSH); these commands read them.',
  subcommands: {
    diff: { summary: 'what differs between two inventories (and, with --probe, their live host facts)', load: async () => (await import('./diff.js')).command },
  },
};

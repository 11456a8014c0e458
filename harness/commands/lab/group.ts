// `vharness lab up|down|status`: the simulated lab of sshd guests on loopback (and, with
// --vcenter, the vCenter simulator), so vharness can be tried and tested without machines.
import type { CommandGroup } from '../../command.js';

export const group: CommandGroup = {
  kind: 'group',
  description: 'The same lab the test suite uses; everything runs on loopback (127.0.0.11, .12, ...).',
  subcommands: {
    up: { summary: 'start sshd guests on loopback (and the vCenter simulator); print the inventory path', load: async () => (await import('./up.js')).command },
    down: { summary: 'stop every guest and remove the lab directory (nothing is left behind)', load: async () => (await import('./down.js')).command },
    status: { summary: 'show each guest and whether its sshd is up', load: async () => (await import('./status.js')).command },
  },
};

// `vharness vms destroy`: powers off and destroys owned VMs chosen by run, expiry, or all.
import { defineCommand } from '../../command.js';
import { ExitCode, UsageError, VsphereError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { destroyOwned } from '../../vsphere/owned-vms.js';
import { openOwnedView, ownedFilter, ownedFlags } from './owned-selection.js';

export const command = defineCommand({
  args: '',
  description: 'Destroys only VMs that carry the ownership note or sit in the lease file; needs one of\n--run, --expired, --all-owned.',
  flags: ownedFlags,
  examples: [
    { command: 'vharness vms destroy -i inventories/lab.yaml --run 20260101-120000-ab12', says: 'the VMs of one run' },
    { command: 'vharness vms destroy -i inventories/lab.yaml --expired', says: 'every VM whose lease has expired' },
    { command: 'vharness vms destroy -i inventories/lab.yaml --all-owned --json', says: 'every VM vharness owns there, the outcome as JSON' },
  ],
  exits: [ExitCode.ok, ExitCode.usage, ExitCode.config, [ExitCode.vsphere, 'a VM could not be destroyed (the message names it)']],
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const filter = ownedFilter(values);
    if (filter === undefined) throw new UsageError('destroy needs --run ID, --expired or --all-owned');
    const log = createLogger();
    const view = await openOwnedView(values, filter, log);
    try {
      const outcome = await destroyOwned(view.client, view.selected, view.leases, view.vcenter, log, { timeoutMs: 600_000 });
      if (values.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else process.stdout.write(`destroyed ${outcome.destroyed.length} VM(s)${outcome.forgotten.length > 0 ? `, dropped ${outcome.forgotten.length} stale lease(s)` : ''}${outcome.failed.length > 0 ? `, ${outcome.failed.length} failed` : ''}\n`);
      if (outcome.failed.length > 0) throw new VsphereError(`could not destroy ${outcome.failed.map((f) => `${f.name} (${f.error})`).join('; ')}`);
      return ExitCode.ok;
    } finally {
      await view.client.close();
    }
  },
});

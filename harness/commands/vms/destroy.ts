// `vharness vms destroy`: powers off and destroys owned VMs chosen by run, expiry, or all.
import { defineCommand } from '../../command.js';
import { ExitCode, UsageError, VsphereError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { defaultOwner } from '../../providers/vsphere.js';
import { destroyOwned, type OwnedVm } from '../../vsphere/owned-vms.js';
import { runLiveness } from '../../vsphere/run-heartbeat.js';
import { openOwnedView, ownedFilter, ownedFlags } from './owned-selection.js';

export const command = defineCommand({
  args: '',
  description: 'Destroys only VMs that carry the ownership note or sit in the lease store; needs one of\n--run, --expired, --all-owned. It first prints the owners whose VMs it will touch, and skips\nVMs a live run (fresh heartbeat) is using.',
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
      // A VM a live run is measuring on is never destroyed from under it.
      const isLive = runLiveness(view.leases.dir);
      const targets: OwnedVm[] = [];
      for (const o of view.selected) {
        const live = await isLive(o.runId);
        if (live.live) log.warn(`skipping ${o.name}: in use by live run ${o.runId} (${live.detail})`);
        else targets.push(o);
      }
      const owners = new Map<string, number>();
      for (const t of targets) owners.set(t.owner, (owners.get(t.owner) ?? 0) + 1);
      log.info(`destroying ${targets.length} VM(s) of ${owners.size === 0 ? 'no owner' : [...owners].map(([o, n]) => `${o} (${n})`).join(', ')}${[...owners.keys()].some((o) => o !== defaultOwner()) ? `; not only yours (${defaultOwner()})` : ''}`);
      const outcome = await destroyOwned(view.client, targets, view.leases, log, { timeoutMs: 600_000 });
      if (values.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else process.stdout.write(`destroyed ${outcome.destroyed.length} VM(s)${outcome.forgotten.length > 0 ? `, dropped ${outcome.forgotten.length} stale lease(s)` : ''}${outcome.failed.length > 0 ? `, ${outcome.failed.length} failed` : ''}\n`);
      if (outcome.failed.length > 0) throw new VsphereError(`could not destroy ${outcome.failed.map((f) => `${f.name} (${f.error})`).join('; ')}`);
      return ExitCode.ok;
    } finally {
      await view.client.close();
    }
  },
});

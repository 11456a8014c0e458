// `vharness vms list|destroy`: the VMs vharness owns on the inventory's vCenter (by their
// ownership note and the lease store), and removing them by run, by expiry, or all.
import { parse } from '../args.js';
import type { Command } from '../cli.js';
import { loadInventory } from '../config/load.js';
import { ExitCode, UsageError, VsphereError } from '../errors.js';
import { createLogger } from '../log.js';
import { defaultOwner, vcenterKey } from '../providers/vsphere.js';
import { connectVsphere } from '../vsphere/connect.js';
import { LeaseStore, leaseStoreDir, STATE_DIR_ENV } from '../vsphere/lease-store.js';
import { runLiveness } from '../vsphere/run-heartbeat.js';
import { destroyOwned, filterOwned, ownedVms, type OwnedFilter, type OwnedVm } from '../vsphere/owned-vms.js';
import { leaseExpired } from '../vsphere/ownership.js';
import { resolvePlacement } from '../vsphere/placement.js';
import { listHosts } from '../vsphere/host-facts.js';
import { formatMemoryMB } from '../vsphere/memory-size.js';
import { listVms } from '../vsphere/vm-inventory.js';

const usage = `usage: vharness vms list|destroy [-i INVENTORY] [--run ID | --expired | --all-owned] [--json]

VMs vharness owns on the inventory's vCenter: those with its ownership note (found in vCenter,
whoever created them) and those in this machine's lease store (written before each clone, so
an interrupted run leaves nothing untracked). The lease store of a vCenter is
$${STATE_DIR_ENV}/<vcenter> when set, else $XDG_STATE_HOME/vharness/<vcenter>
(default ~/.local/state/vharness/<vcenter>), whatever the current directory.

  list                 show them (default: the ones owned by you, user@host)
  destroy              power off and destroy them; needs one of --run, --expired, --all-owned.
                       It first prints the owners whose VMs it will touch, and skips VMs a
                       live run (fresh heartbeat) is using.

  -i, --inventory FILE   an inventory with vm.provider: vsphere
  --run ID               only VMs last used by run ID (any owner)
  --expired              VMs whose lease (vm.leaseHours) has expired, of EVERY owner, not only yours
  --all-owned            every VM owned by vharness, whoever created it
  --lease-dir DIR        the lease store (default: see above)
  --json                 machine-readable output on stdout
`;

interface Row {
  name: string;
  run: string;
  owner: string;
  configuration: string;
  expires: string;
  expired: boolean;
  power: string;
  vcpus: number | null;
  memory_mb: number | null;
  host: string | null;
  addresses: string[];
  source: OwnedVm['source'];
  exists: boolean;
}

function toRow(o: OwnedVm, hostNames: Map<string, string>): Row {
  return {
    name: o.name,
    run: o.runId,
    owner: o.owner,
    configuration: o.configuration,
    expires: o.expires,
    expired: leaseExpired({ owner: o.owner, runId: o.runId, expires: o.expires, configuration: o.configuration }),
    power: o.vm?.powerState ?? 'absent',
    vcpus: o.vm?.numCPUs ?? null,
    memory_mb: o.vm?.memoryMB ?? null,
    host: o.vm?.host ? (hostNames.get(o.vm.host.value) ?? o.vm.host.value) : null,
    addresses: o.vm?.addresses ?? [],
    source: o.source,
    exists: o.vm !== undefined,
  };
}

function table(rows: Row[]): string {
  const header = ['NAME', 'RUN', 'CONFIG', 'POWER', 'SIZE', 'HOST', 'ADDRESS', 'EXPIRES', 'OWNER'];
  const lines = rows.map((r) => [
    r.name,
    r.run,
    r.configuration,
    r.power,
    r.vcpus === null ? '-' : `${r.vcpus} vCPU, ${formatMemoryMB(r.memory_mb ?? 0)}`,
    r.host ?? '-',
    r.addresses[0] ?? '-',
    `${r.expires}${r.expired ? ' (expired)' : ''}`,
    r.owner,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  return [header, ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export const command: Command = {
  summary: 'list or destroy the vSphere VMs vharness owns',
  usage,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        inventory: { type: 'string', short: 'i' },
        run: { type: 'string' },
        expired: { type: 'boolean' },
        'all-owned': { type: 'boolean' },
        'lease-dir': { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    const [action, ...extra] = positionals;
    if (action !== 'list' && action !== 'destroy') throw new UsageError(`Expected 'list' or 'destroy', got ${action === undefined ? 'nothing' : `'${action}'`}`, { hint: usage.split('\n')[0] });
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const chosen = [values.run !== undefined, values.expired === true, values['all-owned'] === true].filter(Boolean).length;
    if (chosen > 1) throw new UsageError('give only one of --run, --expired, --all-owned');
    if (action === 'destroy' && chosen === 0) throw new UsageError('destroy needs --run ID, --expired or --all-owned');
    const filter: OwnedFilter =
      values.run !== undefined ? { runId: values.run } : values.expired ? { expired: true } : values['all-owned'] ? { allOwned: true } : { owner: defaultOwner() };

    const inventory = await loadInventory(values.inventory);
    if (inventory.vm.provider !== 'vsphere') throw new UsageError(`inventory ${inventory.file} does not use vSphere (vm.provider: ${inventory.vm.provider})`);
    const settings = inventory.vm.vsphere;
    const log = createLogger();
    const vcenterName = vcenterKey(settings.url);
    const leases = new LeaseStore(values['lease-dir'] ?? leaseStoreDir(vcenterName), vcenterName);
    const client = await connectVsphere(settings, log, { requestTimeoutMs: settings.requestTimeoutMs });
    try {
      const vcenter = client.url.host;
      const placement = await resolvePlacement(client, settings).catch(() => undefined);
      const container = placement?.datacenter;
      const [vms, hosts, leaseList] = await Promise.all([listVms(client, container), listHosts(client, container), leases.list()]);
      const hostNames = new Map(hosts.map((h) => [h.ref.value, h.name]));
      const selected = filterOwned(ownedVms(vms, leaseList, vcenter), filter);
      if (action === 'list') {
        const rows = selected.map((o) => toRow(o, hostNames));
        process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : rows.length === 0 ? 'no owned VMs\n' : `${table(rows)}\n`);
        return ExitCode.ok;
      }
      // A VM a live run is measuring on is never destroyed from under it.
      const isLive = runLiveness(leases.dir);
      const targets: OwnedVm[] = [];
      for (const o of selected) {
        const live = await isLive(o.runId);
        if (live.live) log.warn(`skipping ${o.name}: in use by live run ${o.runId} (${live.detail})`);
        else targets.push(o);
      }
      const owners = new Map<string, number>();
      for (const t of targets) owners.set(t.owner, (owners.get(t.owner) ?? 0) + 1);
      log.info(`destroying ${targets.length} VM(s) of ${owners.size === 0 ? 'no owner' : [...owners].map(([o, n]) => `${o} (${n})`).join(', ')}${[...owners.keys()].some((o) => o !== defaultOwner()) ? `; not only yours (${defaultOwner()})` : ''}`);
      const outcome = await destroyOwned(client, targets, leases, log, { timeoutMs: 600_000 });
      if (values.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
      else process.stdout.write(`destroyed ${outcome.destroyed.length} VM(s)${outcome.forgotten.length > 0 ? `, dropped ${outcome.forgotten.length} stale lease(s)` : ''}${outcome.failed.length > 0 ? `, ${outcome.failed.length} failed` : ''}\n`);
      if (outcome.failed.length > 0) throw new VsphereError(`could not destroy ${outcome.failed.map((f) => `${f.name} (${f.error})`).join('; ')}`);
      return ExitCode.ok;
    } finally {
      await client.close();
    }
  },
};

// `vharness vms list`: the owned VMs as a table (or JSON).
import { defineCommand } from '../../command.js';
import { ExitCode, UsageError } from '../../errors.js';
import { createLogger } from '../../log.js';
import type { OwnedVm } from '../../vsphere/owned-vms.js';
import { formatMemoryMB } from '../../vsphere/memory-size.js';
import { leaseExpired } from '../../vsphere/ownership.js';
import { openOwnedView, ownedFilter, ownedFlags } from './owned-selection.js';

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

export const command = defineCommand({
  args: '',
  description: 'Without a filter: the VMs owned by you on this machine (user@host in their ownership note).',
  flags: ownedFlags,
  examples: [
    { command: 'vharness vms list -i inventories/lab.yaml', says: 'the VMs you own on that vCenter' },
    { command: 'vharness vms list -i inventories/lab.yaml --expired', says: 'VMs whose lease has expired, whoever created them' },
    { command: 'vharness vms list -i inventories/lab.yaml --run 20260101-120000-ab12 --json', says: 'the VMs of one run, as JSON' },
  ],
  exits: [ExitCode.ok, ExitCode.usage, ExitCode.config, ExitCode.vsphere],
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const view = await openOwnedView(values, ownedFilter(values), createLogger());
    try {
      const rows = view.selected.map((o) => toRow(o, view.hostNames));
      process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : rows.length === 0 ? 'no owned VMs\n' : `${table(rows)}\n`);
      return ExitCode.ok;
    } finally {
      await view.client.close();
    }
  },
});

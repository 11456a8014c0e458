// `vharness plan CONFIG`: the cells, the placement of every instance, vCPU and memory totals,
// provider preflight findings and an estimated duration. No side effects.
import { availableParallelism, totalmem } from 'node:os';
import Table from 'cli-table3';
import { tableOptions } from '../report/table-style.js';
import { defineCommand } from '../command.js';
import { loadConfig, loadInventory } from '../config/load.js';
import { ExitCode, UsageError } from '../errors.js';
import { silentLogger } from '../log.js';
import { servingPlanText } from '../plan/serving-plan-text.js';
import { estimateCellSeconds, formatDuration } from '../plan/estimate.js';
import { expandCells } from '../plan/expand.js';
import { selectionFromFlags } from '../plan/selection-flags.js';
import { createProviders } from '../providers/index.js';
import type { ProviderContext, TargetRequest } from '../providers/provider.js';
import { inventoryOption, jsonOption, onlyOption, precisionsOption } from './shared-flags.js';
import { preflightExitCode, runPreflight } from '../plan/run-preflight.js';
import { placementTable } from '../plan/placement-table.js';
import type { ConfigurationPlacement } from '../vsphere/capacity.js';

export const command = defineCommand({
  args: 'CONFIG',
  description: `Shows what 'vharness run' would do: every cell, where its instances go, vCPU and memory
totals, the providers' preflight findings (template, privileges, capacity) and a rough
duration estimate. Changes nothing. Exits with the code of the first error finding;
'vharness run' refuses to start on the same errors unless --force.`,
  flags: {
    inventory: inventoryOption,
    only: onlyOption,
    precision: precisionsOption,
    json: jsonOption('the plan'),
  },
  examples: [
    { command: 'vharness plan configs/demo.yaml', says: 'the demo matrix on this machine: cells, sizes, estimated duration' },
    { command: 'vharness plan configs/table3.yaml -i inventories/lab.yaml', says: 'a real lab: template, privileges, host capacity and datastore checks' },
    { command: 'vharness plan configs/table3.yaml --only latency --precision int8 --json', says: 'the selected cells as JSON' },
  ],
  exits: [[ExitCode.ok, 'no error found'], ExitCode.usage, [ExitCode.config, 'a bad config or inventory (or a secret it names cannot be read)'], [ExitCode.model, 'a bad model file'], ExitCode.ssh, [ExitCode.vsphere, 'vCenter login, certificate, template or capacity errors']],
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError(`Expected one CONFIG file, got ${positionals.length} arguments`, { hint: "see 'vharness plan --help'" });
    const config = await loadConfig(positionals[0] as string);
    const inventory = await loadInventory(values.inventory);
    const cells = expandCells(config, selectionFromFlags(values.only, values.precision));
    const ctx: ProviderContext = { runId: 'plan', log: silentLogger };
    const providers = createProviders(inventory, ctx);

    const findings = await runPreflight(config, inventory, cells, providers, ctx);
    const exitCode = preflightExitCode(findings);
    const unique = (requests: TargetRequest[]): TargetRequest[] => [...new Map(requests.map((r) => [JSON.stringify(r), r])).values()];
    let placements: ConfigurationPlacement[] = [];
    for (const target of ['vm', 'baremetal'] as const) {
      const requests = unique(cells.filter((c) => c.target === target).map((c) => c.request));
      const provider = providers[target];
      // Where VMs would go (a vCenter preflight found unusable is not asked again: see unavailable()).
      if (requests.length > 0 && provider.placement) placements = await provider.placement(requests, ctx).catch(() => []);
    }
    const cpus = availableParallelism();
    const rows = cells.map((c) => ({
      key: c.key,
      instances: c.instances,
      vcpus_per_instance: c.vcpus,
      memory_gb_per_instance: c.memoryGB,
      total_vcpus: c.vcpus === null ? null : c.vcpus * c.instances,
      total_memory_gb: c.memoryGB === null ? null : c.memoryGB * c.instances,
      threads: c.threads ?? (c.kind === 'latency' ? 'tuned' : 'vCPUs'),
      batch: c.kind === 'multistream' ? `search <= ${c.batch}` : (servingPlanText(c)?.batch ?? c.batch),
      measure: c.measure,
      serving: servingPlanText(c)?.run,
      estimate_s: Math.round(estimateCellSeconds(c, { arch: config.model.arch, cpus, startLeadMs: config.startLeadMs })),
    }));
    const total = rows.reduce((s, r) => s + r.estimate_s, 0);
    const maxVcpus = Math.max(0, ...rows.map((r) => r.total_vcpus ?? 0));
    const maxMemory = Math.max(0, ...rows.map((r) => r.total_memory_gb ?? 0));
    if (values.json) {
      const plan = { config: config.file, inventory: inventory.file, cells: rows, findings, placement: placements, largest_cell: { vcpus: maxVcpus, memory_gb: maxMemory }, controller: { cpus, memory_gb: Math.round(totalmem() / 2 ** 30) }, estimate_s: total };
      process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      return exitCode;
    }
    const table = new Table(tableOptions(['cell', 'instances', 'vCPUs x GB', 'total vCPUs / GB', 'threads', 'batch', 'warmup/steps', 'est.']));
    for (const r of rows) {
      const size = r.vcpus_per_instance === null ? 'unpartitioned' : `${r.vcpus_per_instance} x ${r.memory_gb_per_instance}`;
      const totals = r.total_vcpus === null ? '-' : `${r.total_vcpus} / ${r.total_memory_gb}`;
      const steps = r.serving ?? `${r.measure.warmup}/${r.measure.steps}${r.measure.durationMs === undefined ? '' : ` (${r.measure.durationMs / 1000} s)`}`;
      table.push([r.key, String(r.instances), size, totals, String(r.threads), String(r.batch), steps, formatDuration(r.estimate_s)]);
    }
    const lines = [
      `config ${config.file} (${config.name}), inventory ${inventory.file} (${inventory.name}: vm=${inventory.vm.provider}, baremetal=${inventory.baremetal.provider})`,
      table.toString(),
      `${cells.length} cells; largest cell: ${maxVcpus} vCPUs, ${maxMemory} GB; this machine: ${cpus} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GB`,
      ...(placements.length > 0 ? [placementTable(placements)] : []),
      ...findings.map((f) => `${f.level}: ${f.target}: ${f.message}`),
      `estimated duration: ${formatDuration(total)} (rough: reference per-image costs, before model builds)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return exitCode;
  },
});

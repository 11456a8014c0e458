// `vharness inventory diff A.yaml B.yaml [--probe]`: what differs between two labs, and with
// --probe, their live facts side by side and which differences matter for the workloads.
import { defineCommand } from '../../command.js';
import { loadConfig, loadInventory } from '../../config/load.js';
import { ExitCode, UsageError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { probeInventory } from '../../probe/probe.js';
import { probeEsxiHosts } from '../../report/esxi-facts.js';
import { diffInventories } from '../../report/inventory-diff.js';
import { renderFindings, renderInventoryDiff, renderLabFacts } from '../../report/inventory-diff-text.js';
import { labDifferencesThatMatter, type LabRuleOptions, type LabSide } from '../../report/lab-differences.js';

/** What --probe put on each SSH host (it is not read-only there). */
function deployedLines(labs: LabSide[]): string {
  const lines = labs.flatMap((lab) =>
    lab.hosts
      .filter((h) => h.provider === 'ssh' && h.status === 'ok')
      .map((h) => `  ${lab.name}: ${h.name} (${h.address ?? '?'}): agent bundle${h.node === 'bundled' ? ' + Node runtime' : ''} in place, ${h.bytesMoved ?? 0} bytes uploaded now`),
  );
  return lines.length === 0 ? 'Deployed by --probe: nothing (no SSH host probed)\n' : `Deployed by --probe:\n${lines.join('\n')}\n`;
}

async function ruleOptions(configFile: string | undefined): Promise<LabRuleOptions> {
  if (configFile === undefined) return {};
  const config = await loadConfig(configFile);
  if (config.configurations.length === 0) return {};
  return {
    largestVmVcpus: Math.max(...config.configurations.map((c) => c.vcpus)),
    largestVmMemoryGB: Math.max(...config.configurations.map((c) => c.memoryGB)),
  };
}

export const command = defineCommand({
  args: 'A.yaml B.yaml',
  description: `What differs between two inventories: vCenter, template, VM network and guest, VM hosts
and partitions, bare-metal hosts, SSH settings. Secrets show only as the env variable or file
named. The files alone cannot show CPU models, VNNI/AMX, memory or ESXi versions: --probe does.`,
  flags: {
    probe: { type: 'boolean', help: 'also reach every host of both labs (agent hello) and show their live facts\nside by side (CPU model, sockets, cores, VNNI/AMX, memory, node; ESXi version\nand hardware from vCenter), with the differences that matter for the workloads.\nNOT read-only on SSH hosts: it deploys the agent bundle (agent.mjs, onnxruntime\nnative files and, without Node >= 20, a Node runtime: tens of MB) into each\nhost\'s `dir` unless already there, and runs it for one hello; the output lists\nthe bytes moved per host. vCenter is only read.' },
    config: { type: 'string', arg: 'FILE', file: true, help: 'with --probe: the config you mean to run; its largest VM is checked against each host' },
    json: { type: 'boolean', help: 'print {differences, labs, findings} as JSON' },
  },
  examples: [
    { command: 'vharness inventory diff inventories/lab-a.yaml inventories/lab-b.yaml', says: 'the settings that differ, as written in the files' },
    { command: 'vharness inventory diff lab-a.yaml lab-b.yaml --probe --config configs/table3.yaml', says: 'live facts side by side and what matters for the study' },
    { command: 'vharness inventory diff lab-a.yaml lab-b.yaml --json', says: 'the differences as JSON' },
  ],
  exits: [ExitCode.ok, ExitCode.usage, [ExitCode.config, 'a bad inventory, or a finding is an ERROR (the labs cannot be compared as the workloads need)'], [ExitCode.ssh, '--probe could not reach an SSH host'], [ExitCode.vsphere, '--probe could not read a vCenter']],
  async run({ values, positionals }) {
    const [fileA, fileB, ...extra] = positionals;
    if (fileA === undefined || fileB === undefined || extra.length > 0) throw new UsageError(`Expected two inventory files A.yaml B.yaml, got ${positionals.length}`);
    const [a, b] = await Promise.all([loadInventory(fileA), loadInventory(fileB)]);
    const differences = diffInventories(a, b);
    let labs: LabSide[] | undefined;
    let findings;
    if (values.probe) {
      const options = await ruleOptions(values.config);
      const log = createLogger(values.json ? { progress: false } : {});
      const [hostsA, hostsB, esxiA, esxiB] = await Promise.all([probeInventory(a, log), probeInventory(b, log), probeEsxiHosts(a, log), probeEsxiHosts(b, log)]);
      labs = [
        { name: `A:${a.name}`, hosts: hostsA, esxi: esxiA },
        { name: `B:${b.name}`, hosts: hostsB, esxi: esxiB },
      ];
      findings = labDifferencesThatMatter(labs[0] as LabSide, labs[1] as LabSide, options);
    } else if (values.config !== undefined) {
      throw new UsageError('--config only matters with --probe');
    }
    // An ERROR finding means the comparison the workloads need is not possible: not a success.
    const exitCode = (findings ?? []).some((f) => f.level === 'error') ? ExitCode.config : ExitCode.ok;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ a: { name: a.name, file: a.file }, b: { name: b.name, file: b.file }, differences, labs, findings }, null, 2)}\n`);
      return exitCode;
    }
    const out = [`A: ${a.name} (${a.file})`, `B: ${b.name} (${b.file})`, '', renderInventoryDiff(a.name, b.name, differences, process.stdout.columns || 100)];
    if (labs && findings) out.push('Live facts:', renderLabFacts(labs), deployedLines(labs), 'What matters for the workloads:', renderFindings(findings));
    else out.push('The files alone do not show what decides the results (CPU models, VNNI/AMX, cores, memory, ESXi versions):\nadd --probe to compare the live hosts of both labs.\n');
    process.stdout.write(out.join('\n'));
    return exitCode;
  },
});

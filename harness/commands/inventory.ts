// `vharness inventory diff A.yaml B.yaml [--probe]`: what differs between two labs, and with
// --probe, their live facts side by side and which differences matter for the workloads.
import { parse } from '../args.js';
import type { Command } from '../cli.js';
import { loadConfig, loadInventory } from '../config/load.js';
import { ExitCode, UsageError, VharnessError } from '../errors.js';
import { createLogger } from '../log.js';
import type { ProbedHost } from '../probe/probe.js';
import { probeEsxiHosts } from '../report/esxi-facts.js';
import { diffInventories } from '../report/inventory-diff.js';
import { renderFindings, renderInventoryDiff, renderLabFacts } from '../report/inventory-diff-text.js';
import { labDifferencesThatMatter, type LabRuleOptions, type LabSide } from '../report/lab-differences.js';
import type { Inventory } from '../config/types.js';

const usage = `usage: vharness inventory diff A.yaml B.yaml [--probe] [--config FILE] [--json]

What differs between two inventories: vCenter, template, VM network and guest, VM hosts and
partitions, bare-metal hosts, SSH settings. Secrets show only as the env variable or file named.
  --probe        also reach every host of both labs (agent hello) and show their live facts side
                 by side (CPU model, sockets, cores, VNNI/AMX, memory, node; ESXi version and
                 hardware from vCenter), with the differences that matter for the workloads
                 (no VNNI, too few CPUs, different CPU models...).
                 NOT read-only on SSH hosts: to ask the agent, --probe deploys vharness's agent
                 bundle (agent.mjs, onnxruntime-node's native files and, on hosts without
                 Node >= 20, a Node runtime: tens of MB) into each host's \`dir\` (default
                 ~/.vharness/agent/<hash>/), unless that bundle is already there, and runs it
                 for one hello; the output lists the bytes moved per host. vCenter is only read.
  --config FILE  the config you mean to run: its largest VM is checked against each host
  --json         print {differences, labs, findings} as JSON
Exit codes: 0, or 3 when a finding is an ERROR (the labs' results cannot be compared as the
workloads need); 2 bad flags.
`;

type ProbeFn = (inventory: Inventory, log: ReturnType<typeof createLogger>) => Promise<ProbedHost[]>;

async function loadProbe(): Promise<ProbeFn> {
  try {
    return (await import('../probe/probe.js')).probeInventory;
  } catch (error) {
    throw new VharnessError('--probe is not available in this build (harness/probe/probe.js could not be loaded)', ExitCode.failure, { cause: error });
  }
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

/** What --probe put on each SSH host (it is not read-only there). */
function deployedLines(labs: LabSide[]): string {
  const lines = labs.flatMap((lab) =>
    lab.hosts
      .filter((h) => h.provider === 'ssh' && h.status === 'ok')
      .map((h) => `  ${lab.name}: ${h.name} (${h.address ?? '?'}): agent bundle${h.node === 'bundled' ? ' + Node runtime' : ''} in place, ${h.bytesMoved ?? 0} bytes uploaded now`),
  );
  return lines.length === 0 ? 'Deployed by --probe: nothing (no SSH host probed)\n' : `Deployed by --probe:\n${lines.join('\n')}\n`;
}

export const command: Command = {
  summary: 'compare two inventories (and, with --probe, their live host facts)',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { probe: { type: 'boolean' }, config: { type: 'string' }, json: { type: 'boolean' } }, usage);
    const [sub, fileA, fileB, ...extra] = positionals;
    if (sub !== 'diff') throw new UsageError(sub === undefined ? 'Expected a subcommand: diff' : `Unknown inventory subcommand '${sub}' (expected diff)`, { hint: usage.split('\n')[0] });
    if (fileA === undefined || fileB === undefined || extra.length > 0) throw new UsageError(`Expected two inventory files A.yaml B.yaml, got ${positionals.length - 1}`, { hint: usage.split('\n')[0] });
    const [a, b] = await Promise.all([loadInventory(fileA), loadInventory(fileB)]);
    const differences = diffInventories(a, b);
    let labs: LabSide[] | undefined;
    let findings;
    if (values.probe) {
      const options = await ruleOptions(values.config);
      const probe = await loadProbe();
      const log = createLogger(values.json ? { progress: false } : {});
      const [hostsA, hostsB, esxiA, esxiB] = await Promise.all([probe(a, log), probe(b, log), probeEsxiHosts(a, log), probeEsxiHosts(b, log)]);
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
    const out = [`A: ${a.name} (${a.file})`, `B: ${b.name} (${b.file})`, '', renderInventoryDiff(a.name, b.name, differences)];
    if (labs && findings) out.push('Live facts:', renderLabFacts(labs), deployedLines(labs), 'What matters for the workloads:', renderFindings(findings));
    process.stdout.write(out.join('\n'));
    return exitCode;
  },
};

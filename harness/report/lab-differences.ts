// Which differences between two labs' live facts matter for the workloads: no VNNI (int8 will
// not speed up), fewer CPUs or less memory than the largest VM, different CPU models (results
// compare hardware, not virtualization), different runtimes. Pure rules over probe results.
import type { Finding } from '../core/shared-types.js';
import type { ProbedHost } from '../probe/probe.js';
import type { LabEsxi } from './esxi-facts.js';

/** One side of the comparison: an inventory's name, its probed hosts and its ESXi hosts. */
export interface LabSide {
  name: string;
  hosts: ProbedHost[];
  /** The ESXi hosts of a vSphere lab. @default { status: 'none' } */
  esxi?: LabEsxi;
}

export interface LabRuleOptions {
  /** vCPUs of the largest VM the config asks for; undefined: the capacity rules are skipped. */
  largestVmVcpus?: number;
  /** Memory of the largest VM, GB. */
  largestVmMemoryGB?: number;
}

const hasVnni = (h: ProbedHost) => Boolean(h.sysinfo && (h.sysinfo.flags.avx512_vnni || h.sysinfo.flags.avx_vnni));
const hasAmx = (h: ProbedHost) => Boolean(h.sysinfo?.flags.amx_int8);
const ok = (lab: LabSide) => lab.hosts.filter((h) => h.status === 'ok' && h.sysinfo);
const unique = <T>(xs: T[]) => [...new Set(xs)];
const major = (v: string) => v.replace(/^v/, '').split('.')[0] ?? v;

function labRules(lab: LabSide, options: LabRuleOptions): Finding[] {
  const findings: Finding[] = [];
  for (const h of lab.hosts) {
    if (h.status === 'failed') findings.push({ level: 'warn', message: `${lab.name}: facts of ${h.name} unknown (${h.error ?? 'probe failed'}); rules below ignore it` });
  }
  for (const h of ok(lab)) {
    const s = h.sysinfo;
    if (!s) continue;
    if (!hasVnni(h) && !hasAmx(h)) findings.push({ level: 'warn', message: `${lab.name}: ${h.name} has no VNNI (avx512_vnni / avx_vnni) or AMX: int8 will not speed up much over fp32 there` });
    if (h.roles.includes('baremetal') && s.virtualized && h.provider !== 'local') {
      findings.push({ level: 'warn', message: `${lab.name}: bare-metal host ${h.name} reports a hypervisor: its baselines are not bare metal` });
    }
    if (options.largestVmVcpus !== undefined && s.threads < options.largestVmVcpus) {
      findings.push({ level: 'warn', message: `${lab.name}: ${h.name} has ${s.threads} logical CPUs, fewer than the largest VM (${options.largestVmVcpus} vCPUs): that VM is overcommitted` });
    }
    if (options.largestVmMemoryGB !== undefined && s.memoryBytes < options.largestVmMemoryGB * 2 ** 30) {
      findings.push({ level: 'warn', message: `${lab.name}: ${h.name} has ${(s.memoryBytes / 2 ** 30).toFixed(1)} GiB of memory, less than the largest VM (${options.largestVmMemoryGB} GB)` });
    }
  }
  const esxi = lab.esxi ?? { status: 'none' };
  if (esxi.status === 'failed') findings.push({ level: 'warn', message: `${lab.name}: ESXi host facts unknown (${esxi.error})` });
  const esxiHosts = esxi.status === 'ok' ? esxi.hosts : [];
  for (const h of esxiHosts) {
    if (options.largestVmVcpus !== undefined && h.threads < options.largestVmVcpus) {
      findings.push({ level: 'warn', message: `${lab.name}: ESXi host ${h.name} has ${h.threads} logical CPUs, fewer than the largest VM (${options.largestVmVcpus} vCPUs): that VM is overcommitted` });
    }
    if (options.largestVmMemoryGB !== undefined && h.memoryBytes < options.largestVmMemoryGB * 2 ** 30) {
      findings.push({ level: 'warn', message: `${lab.name}: ESXi host ${h.name} has ${(h.memoryBytes / 2 ** 30).toFixed(1)} GiB of memory, less than the largest VM (${options.largestVmMemoryGB} GB)` });
    }
  }
  const vmModels = unique([...esxiHosts.map((h) => h.cpuModel), ...ok(lab).filter((h) => h.roles.includes('vm')).map((h) => h.sysinfo?.cpuModel ?? '')]).sort();
  const bmModels = unique(ok(lab).filter((h) => h.roles.includes('baremetal')).map((h) => h.sysinfo?.cpuModel ?? '')).sort();
  if (vmModels.length > 0 && bmModels.length > 0 && vmModels.join('|') !== bmModels.join('|')) {
    findings.push({ level: 'error', message: `${lab.name}: VM hosts (${vmModels.join(', ')}) and bare-metal hosts (${bmModels.join(', ')}) have different CPUs: VM vs bare-metal ratios measure the CPUs, not virtualization` });
  }
  return findings;
}

/** Findings for each lab alone, then for the two labs against each other. */
export function labDifferencesThatMatter(a: LabSide, b: LabSide, options: LabRuleOptions = {}): Finding[] {
  const findings = [...labRules(a, options), ...labRules(b, options)];
  const hostsA = ok(a);
  const hostsB = ok(b);
  if (hostsA.length === 0 || hostsB.length === 0) {
    findings.push({ level: 'warn', message: `no probed host in ${hostsA.length === 0 ? a.name : b.name}: the labs cannot be compared` });
    return findings;
  }
  const facts = (hosts: ProbedHost[], get: (h: ProbedHost) => string) => unique(hosts.map(get)).sort().join(', ');
  const model = (h: ProbedHost) => h.sysinfo?.cpuModel ?? '';
  if (facts(hostsA, model) !== facts(hostsB, model)) {
    findings.push({ level: 'warn', message: `different CPU models (${a.name}: ${facts(hostsA, model)}; ${b.name}: ${facts(hostsB, model)}): results compare hardware generations, not labs alike` });
  }
  const vnniA = hostsA.every(hasVnni);
  const vnniB = hostsB.every(hasVnni);
  if (vnniA !== vnniB) {
    const [yes, no] = vnniA ? [a.name, b.name] : [b.name, a.name];
    findings.push({ level: 'warn', message: `${yes} has VNNI and ${no} does not: int8 speedups will differ a lot (the study's Skylake vs Cascade Lake)` });
  }
  const amxA = hostsA.some(hasAmx);
  const amxB = hostsB.some(hasAmx);
  if (amxA !== amxB) findings.push({ level: 'info', message: `only ${amxA ? a.name : b.name} has AMX: int8 may run much faster there` });
  const sockets = (h: ProbedHost) => String(h.sysinfo?.sockets ?? '?');
  if (facts(hostsA, sockets) !== facts(hostsB, sockets)) {
    findings.push({ level: 'info', message: `different socket counts (${a.name}: ${facts(hostsA, sockets)}; ${b.name}: ${facts(hostsB, sockets)}): NUMA effects on scaling differ` });
  }
  const ort = (h: ProbedHost) => h.sysinfo?.onnxruntimeVersion ?? '?';
  if (facts(hostsA, ort) !== facts(hostsB, ort)) {
    findings.push({ level: 'warn', message: `different onnxruntime versions (${a.name}: ${facts(hostsA, ort)}; ${b.name}: ${facts(hostsB, ort)}): kernels differ, results are not comparable` });
  }
  const node = (h: ProbedHost) => major(h.sysinfo?.nodeVersion ?? '?');
  if (facts(hostsA, node) !== facts(hostsB, node)) {
    findings.push({ level: 'info', message: `different node major versions (${a.name}: ${facts(hostsA, node)}; ${b.name}: ${facts(hostsB, node)})` });
  }
  const versions = (lab: LabSide) => (lab.esxi?.status === 'ok' ? unique(lab.esxi.hosts.map((h) => h.esxi)).sort().join(', ') : '');
  const esxiA = versions(a);
  const esxiB = versions(b);
  if (esxiA !== '' && esxiB !== '' && esxiA !== esxiB) {
    findings.push({ level: 'info', message: `different ESXi versions (${a.name}: ${esxiA}; ${b.name}: ${esxiB}): scheduler and vNUMA behaviour may differ` });
  }
  return findings;
}

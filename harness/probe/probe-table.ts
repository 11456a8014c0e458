// The probe's table: one row per host, the facts that decide how a benchmark behaves there.
import Table from 'cli-table3';
import type { SysInfo } from '../../agent/protocol.js';
import type { ProbedHost } from './probe.js';

const GIB = 1024 ** 3;

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** The cgroup and affinity limits that make a host smaller than its hardware, one per line. */
export function limitsText(info: SysInfo): string {
  const limits: string[] = [];
  if (info.affinity.length > 0 && info.affinity.length < info.threads) limits.push(`${info.affinity.length} of ${info.threads} CPUs${info.cgroup.cpuset ? ` (${info.cgroup.cpuset})` : ''}`);
  if (info.cgroup.cpuQuota !== null) limits.push(`quota ${info.cgroup.cpuQuota} CPUs`);
  if (info.cgroup.memoryLimitBytes !== null && info.cgroup.memoryLimitBytes < info.memoryBytes) limits.push(`memory ${(info.cgroup.memoryLimitBytes / GIB).toFixed(1)} GiB`);
  return limits.length === 0 ? 'none' : limits.join('\n');
}

/** Renders probed hosts as a cli-table3 table (failed hosts show their error). */
export function probeTable(hosts: ProbedHost[]): string {
  const table = new Table({
    head: ['host', 'role', 'CPU model', 'sockets', 'cores', 'threads', 'VNNI', 'AMX', 'memory', 'NUMA', 'virtualized', 'limits', 'OS', 'node'],
    style: { head: [], border: [] },
  });
  for (const host of hosts) {
    const name = host.address ? `${host.name}\n${host.address}` : host.name;
    const role = host.roles.join('+');
    const info = host.sysinfo;
    if (!info) {
      table.push([name, role, { colSpan: 12, content: `${host.status}: ${host.error ?? 'no facts'}`.slice(0, 160) }]);
      continue;
    }
    table.push([
      name,
      role,
      info.cpuModel,
      info.sockets,
      info.cores,
      info.threads,
      yesNo(info.flags.avx512_vnni || info.flags.avx_vnni),
      yesNo(info.flags.amx_int8),
      `${(info.memoryBytes / GIB).toFixed(1)} GiB`,
      info.numaNodes,
      yesNo(info.virtualized),
      limitsText(info),
      info.os,
      `${info.nodeVersion}${host.node === 'bundled' ? ' (bundled)' : ''}`,
    ]);
  }
  return table.toString();
}

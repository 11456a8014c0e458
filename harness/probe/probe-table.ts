// The probe's table: one row per host, the facts that decide how a benchmark behaves there.
import Table from 'cli-table3';
import type { ProbedHost } from './probe.js';

const GIB = 1024 ** 3;

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** Renders probed hosts as a cli-table3 table (failed hosts show their error). */
export function probeTable(hosts: ProbedHost[]): string {
  const table = new Table({
    head: ['host', 'role', 'CPU model', 'sockets', 'cores', 'threads', 'VNNI', 'AMX', 'memory', 'NUMA', 'OS', 'node'],
    style: { head: [], border: [] },
  });
  for (const host of hosts) {
    const name = host.address ? `${host.name}\n${host.address}` : host.name;
    const role = host.roles.join('+');
    const info = host.sysinfo;
    if (!info) {
      table.push([name, role, { colSpan: 10, content: `${host.status}: ${host.error ?? 'no facts'}`.slice(0, 160) }]);
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
      info.os,
      `${info.nodeVersion}${host.node === 'bundled' ? ' (bundled)' : ''}`,
    ]);
  }
  return table.toString();
}

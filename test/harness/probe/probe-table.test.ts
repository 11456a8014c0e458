import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SysInfo } from '../../../agent/protocol.js';
import { limitsText, probeTable } from '../../../harness/probe/probe-table.js';

const GIB = 1024 ** 3;

function sysinfo(over: Partial<SysInfo>): SysInfo {
  return {
    hostname: 'h',
    os: 'Debian 12',
    kernel: '6.1',
    arch: 'x64',
    cpuModel: 'Xeon',
    flags: { avx2: true, avx512f: true, avx512_vnni: true, avx_vnni: false, amx_int8: false },
    sockets: 1,
    cores: 4,
    threads: 8,
    numaNodes: 1,
    memoryBytes: 16 * GIB,
    affinity: [0, 1, 2, 3, 4, 5, 6, 7],
    cgroup: { version: 1, cpuset: '0-7', cpuQuota: null, memoryLimitBytes: null },
    nodeVersion: '20.0.0',
    onnxruntimeVersion: '1.30.0',
    agentVersion: '0.1.0',
    virtualized: false,
    ...over,
  };
}

test('limits: a cpuset smaller than the machine, a CPU quota, a memory limit; none otherwise', () => {
  assert.equal(limitsText(sysinfo({})), 'none');
  const limited = sysinfo({ affinity: [0, 1], cgroup: { version: 1, cpuset: '0-1', cpuQuota: 1.5, memoryLimitBytes: 2 * GIB } });
  assert.equal(limitsText(limited), '2 of 8 CPUs (0-1)\nquota 1.5 CPUs\nmemory 2.0 GiB');
});

test('the probe table shows whether a "bare metal" host is virtualized and limited', () => {
  const table = probeTable([
    { name: 'bm', roles: ['baremetal'], provider: 'ssh', status: 'ok', sysinfo: sysinfo({ virtualized: true, cgroup: { version: 2, cpuset: null, cpuQuota: 2, memoryLimitBytes: null } }) },
    { name: 'gone', roles: ['vm'], provider: 'ssh', status: 'failed', error: 'cannot connect' },
  ]);
  const header = table.split('\n').find((l) => l.includes('CPU model')) ?? '';
  assert.match(header, /virtualized.*limits/);
  const row = table.split('\n').find((l) => l.includes('bm')) ?? '';
  assert.match(row, /│ yes +│ quota 2 CPUs/);
  assert.match(table, /failed: cannot connect/);
});

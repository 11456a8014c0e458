import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SysInfo } from '../../../agent/protocol.js';
import type { ProbedHost } from '../../../harness/probe/probe.js';
import { labDifferencesThatMatter, type LabSide } from '../../../harness/report/lab-differences.js';

function sysinfo(over: Partial<SysInfo> & { vnni?: boolean; amx?: boolean } = {}): SysInfo {
  const { vnni = true, amx = false, ...rest } = over;
  return {
    hostname: 'h',
    os: 'Linux',
    kernel: '6',
    arch: 'x64',
    cpuModel: 'Intel(R) Xeon(R) Platinum 8260',
    flags: { avx2: true, avx512f: true, avx512_vnni: vnni, avx_vnni: false, amx_int8: amx },
    sockets: 2,
    cores: 48,
    threads: 96,
    numaNodes: 2,
    memoryBytes: 768 * 2 ** 30,
    affinity: [],
    cgroup: { version: 2, cpuset: null, cpuQuota: null, memoryLimitBytes: null },
    nodeVersion: 'v20.20.2',
    onnxruntimeVersion: '1.30.0',
    agentVersion: '0.1.0',
    virtualized: false,
    ...rest,
  };
}

function host(name: string, roles: ProbedHost['roles'], info: SysInfo | undefined, provider: ProbedHost['provider'] = 'ssh'): ProbedHost {
  return info ? { name, roles, provider, status: 'ok', sysinfo: info } : { name, roles, provider, status: 'failed', error: 'connect ECONNREFUSED 127.0.0.31:22' };
}

const lab = (name: string, hosts: ProbedHost[]): LabSide => ({ name, hosts });
const messages = (a: LabSide, b: LabSide, o = {}) => labDifferencesThatMatter(a, b, o).map((f) => `${f.level}: ${f.message}`);

describe('labDifferencesThatMatter', () => {
  test('two identical labs: nothing matters', () => {
    const same = () => lab('x', [host('vm1', ['vm'], sysinfo()), host('bm1', ['baremetal'], sysinfo())]);
    assert.deepEqual(messages(same(), same()), []);
  });

  test('no VNNI: int8 will not speed up; one lab with VNNI and one without', () => {
    const skylake = lab('sky', [host('bm1', ['baremetal'], sysinfo({ vnni: false, cpuModel: 'Intel(R) Xeon(R) Platinum 8160' }))]);
    const cascade = lab('csl', [host('bm1', ['baremetal'], sysinfo())]);
    const m = messages(skylake, cascade);
    assert.ok(m.includes('warn: sky: bm1 has no VNNI (avx512_vnni / avx_vnni) or AMX: int8 will not speed up much over fp32 there'));
    assert.ok(m.some((x) => /^warn: csl has VNNI and sky does not/.test(x)));
    assert.ok(m.some((x) => /^warn: different CPU models \(sky: Intel\(R\) Xeon\(R\) Platinum 8160; csl: Intel\(R\) Xeon\(R\) Platinum 8260\)/.test(x)));
  });

  test('fewer CPUs or less memory than the largest VM', () => {
    const small = lab('small', [host('vm1', ['vm'], sysinfo({ threads: 32, memoryBytes: 256 * 2 ** 30 }))]);
    const m = messages(small, small, { largestVmVcpus: 48, largestVmMemoryGB: 360 });
    assert.ok(m.includes('warn: small: vm1 has 32 logical CPUs, fewer than the largest VM (48 vCPUs): that VM is overcommitted'));
    assert.ok(m.includes('warn: small: vm1 has 256.0 GiB of memory, less than the largest VM (360 GB)'));
    assert.deepEqual(messages(small, small, { largestVmVcpus: 32 }), [], 'exactly enough CPUs is fine');
  });

  test('VM and bare-metal hosts on different CPUs inside one lab is an error', () => {
    const mixed = lab('mixed', [host('vm1', ['vm'], sysinfo({ cpuModel: 'AMD EPYC 7B13' })), host('bm1', ['baremetal'], sysinfo())]);
    const m = messages(mixed, mixed);
    assert.ok(m.some((x) => x.startsWith('error: mixed: VM hosts (AMD EPYC 7B13) and bare-metal hosts (Intel(R) Xeon(R) Platinum 8260) have different CPUs')));
  });

  test('a bare-metal host under a hypervisor, different runtimes, AMX, sockets, failed probes', () => {
    const a = lab('a', [host('bm1', ['baremetal'], sysinfo({ virtualized: true })), host('bm2', ['baremetal'], undefined)]);
    const b = lab('b', [host('bm1', ['baremetal'], sysinfo({ amx: true, sockets: 1, onnxruntimeVersion: '1.22.0', nodeVersion: 'v22.1.0' }))]);
    const m = messages(a, b);
    assert.ok(m.includes('warn: a: bare-metal host bm1 reports a hypervisor: its baselines are not bare metal'));
    assert.ok(m.includes('warn: a: facts of bm2 unknown (connect ECONNREFUSED 127.0.0.31:22); rules below ignore it'));
    assert.ok(m.includes('info: only b has AMX: int8 may run much faster there'));
    assert.ok(m.some((x) => x.startsWith('info: different socket counts (a: 2; b: 1)')));
    assert.ok(m.some((x) => x.startsWith('warn: different onnxruntime versions (a: 1.30.0; b: 1.22.0)')));
    assert.ok(m.some((x) => x.startsWith('info: different node major versions (a: 20; b: 22)')));
  });

  test('a lab with no reachable host cannot be compared', () => {
    const m = messages(lab('a', [host('bm1', ['baremetal'], undefined)]), lab('b', [host('bm1', ['baremetal'], sysinfo())]));
    assert.ok(m.includes('warn: no probed host in a: the labs cannot be compared'));
  });
});

describe('labDifferencesThatMatter with ESXi hosts', () => {
  const esxiHost = (over: Partial<{ name: string; esxi: string; cpuModel: string; threads: number; memoryBytes: number }> = {}) => ({
    name: 'esx1',
    esxi: '7.0.0',
    build: '15843807',
    cpuModel: 'Intel(R) Xeon(R) Platinum 8260',
    sockets: 2,
    cores: 48,
    threads: 96,
    memoryBytes: 768 * 2 ** 30,
    ...over,
  });
  const vsphereLab = (name: string, hosts: ReturnType<typeof esxiHost>[]): LabSide => ({ name, hosts: [host('bm1', ['baremetal'], sysinfo())], esxi: { status: 'ok', vcenter: 'VMware vCenter Server 7.0.0', hosts } });

  test('the ESXi hosts count as the VM hosts: capacity, CPU model against bare metal, version', () => {
    const a = vsphereLab('a', [esxiHost({ threads: 40, memoryBytes: 256 * 2 ** 30 })]);
    const b = vsphereLab('b', [esxiHost({ esxi: '8.0.2', cpuModel: 'AMD EPYC 9654' })]);
    const m = messages(a, b, { largestVmVcpus: 48, largestVmMemoryGB: 360 });
    assert.ok(m.includes('warn: a: ESXi host esx1 has 40 logical CPUs, fewer than the largest VM (48 vCPUs): that VM is overcommitted'));
    assert.ok(m.includes('warn: a: ESXi host esx1 has 256.0 GiB of memory, less than the largest VM (360 GB)'));
    assert.ok(m.some((x) => x.startsWith('error: b: VM hosts (AMD EPYC 9654) and bare-metal hosts (Intel(R) Xeon(R) Platinum 8260)')));
    assert.ok(!m.some((x) => x.startsWith('error: a:')), 'same CPU on ESXi and bare metal in lab a');
    assert.ok(m.includes('info: different ESXi versions (a: 7.0.0; b: 8.0.2): scheduler and vNUMA behaviour may differ'));
  });

  test('vCenter unreachable is said, not fatal', () => {
    const m = messages({ name: 'a', hosts: [host('bm1', ['baremetal'], sysinfo())], esxi: { status: 'failed', error: 'connect ECONNREFUSED 127.0.0.1:18443' } }, lab('b', [host('bm1', ['baremetal'], sysinfo())]));
    assert.ok(m.includes('warn: a: ESXi host facts unknown (connect ECONNREFUSED 127.0.0.1:18443)'));
  });
});

// Placement policies and per-host capacity (pure), VM memory shown exactly, and the wanted VM
// configuration compared with a read-back one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { placeConfiguration, type HostLoad, type VmDemand } from '../../../harness/vsphere/capacity.js';
import type { EsxiHost } from '../../../harness/vsphere/host-facts.js';
import { formatMemoryMB } from '../../../harness/vsphere/memory-size.js';
import { MoRef } from '../../../harness/vsphere/moref.js';
import { vmConfigDifferences, wantedVmConfig } from '../../../harness/vsphere/vm-config.js';

const host = (name: string, threads: number, memoryGB: number): EsxiHost => ({
  ref: new MoRef('HostSystem', name),
  name,
  esxi: '8.0',
  build: '1',
  cpuModel: 'x',
  sockets: 2,
  cores: threads / 2,
  threads,
  cpuMhz: 2000,
  memoryBytes: memoryGB * 2 ** 30,
  parent: undefined,
  inMaintenance: false,
});
const load = (h: EsxiHost, otherVcpus = 0, otherMemoryMB = 0): HostLoad => ({ host: h, otherVms: otherVcpus > 0 ? 1 : 0, otherVcpus, otherMemoryMB });
const vms = (n: number, vcpus: number, memoryGB: number): VmDemand[] => Array.from({ length: n }, (_, i) => ({ name: `vm-${i + 1}`, vcpus, memoryMB: memoryGB * 1024 }));
const counts = (p: ReturnType<typeof placeConfiguration>): Record<string, number> => Object.fromEntries(p.hosts.map((h) => [h.host, h.vms.length]));

describe('placement policies', () => {
  const two = () => [load(host('h1', 96, 768)), load(host('h2', 96, 768))];

  it('spread alternates over equal hosts; pack fills the first host while it fits', () => {
    assert.deepEqual(counts(placeConfiguration('10', vms(8, 12, 90), two(), { kind: 'spread' })), { h1: 4, h2: 4 });
    assert.deepEqual(counts(placeConfiguration('10', vms(8, 12, 90), two(), { kind: 'pack' })), { h1: 8 });
    // 9 x 12 = 108 vCPUs: the ninth VM no longer fits on h1.
    assert.deepEqual(counts(placeConfiguration('x', vms(9, 12, 10), two(), { kind: 'pack' })), { h1: 8, h2: 1 });
  });

  it('spread avoids the host where other VMs run; a named host takes every VM', () => {
    const loaded = [load(host('h1', 96, 768), 40, 100 * 1024), load(host('h2', 96, 768))];
    assert.deepEqual(counts(placeConfiguration('4', vms(2, 12, 90), loaded, { kind: 'spread' })), { h2: 2 });
    assert.deepEqual(counts(placeConfiguration('4', vms(2, 12, 90), loaded, { kind: 'host', name: 'h1' })), { h1: 2 });
    const missing = placeConfiguration('4', vms(2, 12, 90), loaded, { kind: 'host', name: 'h9' });
    assert.equal(missing.verdict, 'does not fit');
    assert.ok(missing.findings.some((f) => f.level === 'error' && /names no host in scope/.test(f.message)));
  });

  it('sums vCPUs and memory per host, with the running VMs that are not vharness\'s', () => {
    const one = [load(host('h1', 96, 768), 2, 64)];
    const c10 = placeConfiguration('10', vms(8, 12, 90), one, { kind: 'spread' });
    assert.equal(c10.verdict, 'overcommits vCPUs');
    assert.ok(c10.findings.some((f) => f.level === 'warn' && f.message.includes('vCPU overcommit: 96 vCPUs + 2 of 1 other running VM on 96 logical CPUs')));
    const exact = placeConfiguration('10', vms(8, 12, 90), [load(host('h1', 96, 768))], { kind: 'spread' });
    assert.equal(exact.verdict, 'fits');
    assert.ok(exact.findings.some((f) => f.level === 'warn' && /use all 96 logical CPUs/.test(f.message)));
    assert.ok(exact.findings.some((f) => f.level === 'info' && /96 vCPUs on 48 cores/.test(f.message)));
    const small = placeConfiguration('1', vms(1, 48, 360), [load(host('h1', 2, 4))], { kind: 'spread' });
    assert.equal(small.verdict, 'does not fit');
    assert.ok(small.findings.some((f) => f.level === 'error' && /cannot power on/.test(f.message)));
    assert.ok(small.findings.some((f) => f.level === 'error' && f.message.includes("memory cannot fit: 360 GB > the host's 4 GB")));
  });

  it('skips hosts in maintenance mode', () => {
    const down = { ...host('h1', 96, 768), inMaintenance: true };
    assert.deepEqual(counts(placeConfiguration('3', vms(1, 12, 90), [load(down), load(host('h2', 96, 768))], { kind: 'spread' })), { h2: 1 });
    assert.equal(placeConfiguration('3', vms(1, 12, 90), [load(down)], { kind: 'spread' }).verdict, 'does not fit');
  });
});

describe('VM memory shown exactly', () => {
  it('GB when short and exact, MB otherwise', () => {
    assert.equal(formatMemoryMB(768), '0.75 GB');
    assert.equal(formatMemoryMB(32), '32 MB');
    assert.equal(formatMemoryMB(1024), '1 GB');
    assert.equal(formatMemoryMB(92160), '90 GB');
    assert.equal(formatMemoryMB(1000), '1000 MB');
    assert.equal(formatMemoryMB(1536), '1.5 GB');
  });
});

describe('wanted VM configuration', () => {
  it('fills vSphere defaults, takes the VM\'s own affinity list and names what differs', () => {
    const wanted = wantedVmConfig(12, 90, { coresPerSocket: 6, memoryReservation: 'all', latencySensitivity: 'high', cpuAffinity: [[0, 1], [2, 3]] }, 1);
    assert.deepEqual(wanted, { numCPUs: 12, memoryMB: 92160, coresPerSocket: 6, latencySensitivity: 'high', cpuReservationMHz: 0, memoryReservationMB: 92160, memoryLocked: true, cpuAffinity: [2, 3] });
    const plain = wantedVmConfig(12, 90, undefined, 0);
    assert.deepEqual(vmConfigDifferences(wanted, plain), [
      'cores per socket 12 (wanted 6)',
      'latency sensitivity normal (wanted high)',
      'memory reservation MB 0 (wanted 92160)',
      'memory reservation locked to max false (wanted true)',
      'CPU affinity none (wanted 2-3)',
    ]);
  });
});

// Placement, capacity and VM settings against the simulated vCenter: Table 3's capacity on
// the study's server (2 x 96 logical CPUs, 768 GiB) and on govmomi's 2-CPU default hosts; each
// policy's hosts read back from the clones; each VM setting read back after ReconfigVM.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../harness/config/load.js';
import type { VsphereSettings } from '../../../harness/config/types.js';
import { expandCells } from '../../../harness/plan/expand.js';
import type { Finding, TargetRequest } from '../../../harness/providers/provider.js';
import { VsphereProvider } from '../../../harness/providers/vsphere.js';
import type { VimClient } from '../../../harness/vsphere/client.js';
import { listHosts } from '../../../harness/vsphere/host-facts.js';
import { listVms } from '../../../harness/vsphere/vm-inventory.js';
import { NO_SSH, recordingLogger, startTestVcenter, type TestVcenter, testVsphereSettings } from './vcsim-fixture.js';
import { LeaseStore } from '../../../harness/vsphere/lease-store.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const PASSWORD_ENV = 'VHARNESS_TEST_PLACEMENT_PASSWORD';
const SSH = NO_SSH;

const settings = (vc: TestVcenter, overrides: Partial<VsphereSettings> = {}): VsphereSettings => testVsphereSettings(vc, PASSWORD_ENV, overrides);

async function table3Requests(): Promise<TargetRequest[]> {
  const config = await loadConfig(join(root, 'configs/table3.yaml'));
  const vm = expandCells(config).filter((c) => c.target === 'vm');
  return [...new Map(vm.map((c) => [JSON.stringify(c.request), c.request])).values()];
}

const about = (findings: Finding[], configuration: string): Finding[] => findings.filter((f) => f.message.startsWith(`configuration ${configuration} `));
// The datastore is this machine's disk: whether 4 TB of swap fits depends on the machine, not on placement.
const capacityErrors = (findings: Finding[]): Finding[] => findings.filter((f) => f.level === 'error' && !/datastore/.test(f.message));

describe('placement and capacity on the study\'s server (2 simulated hosts x 96 CPUs, 768 GiB)', () => {
  let vc: TestVcenter;
  let dir: string;
  let observer: VimClient;
  before(async () => {
    process.env[PASSWORD_ENV] = 'pw';
    vc = await startTestVcenter({ hosts: { count: 2, cpus: 96, sockets: 2, memoryGB: 768 } });
    dir = await mkdtemp(join(tmpdir(), 'vharness-placement-'));
    observer = vc.client();
    await observer.connect();
  });
  after(async () => {
    await vc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    delete process.env[PASSWORD_ENV];
  });

  const provider = (name: string, overrides: Partial<VsphereSettings> = {}): VsphereProvider =>
    new VsphereProvider({ settings: settings(vc, overrides), ssh: SSH, leases: new LeaseStore(join(dir, name), new URL(vc.state.url).host), deploy: false, log: recordingLogger(), owner: 'tester@test' });

  it('the simulator reports the sizes asked for', async () => {
    const hosts = (await listHosts(observer)).filter((h) => h.name.startsWith('DC0_C0_'));
    assert.equal(hosts.length, 2);
    for (const h of hosts) assert.deepEqual([h.threads, h.cores, h.sockets, h.memoryBytes], [96, 48, 2, 768 * 2 ** 30]);
    assert.deepEqual(vc.state.hosts, { count: 2, cpus: 96, cores: 48, sockets: 2, memoryBytes: 768 * 2 ** 30 });
  });

  it('Table 3 fits when spread over both hosts; config 10 is 4 x 12 vCPUs per host', async () => {
    const p = provider('plan-spread');
    const ctx = { runId: 'plan', log: recordingLogger() };
    const findings = await p.preflight(await table3Requests(), ctx);
    assert.deepEqual(capacityErrors(findings), []);
    const placements = await p.placement(await table3Requests(), ctx);
    const c10 = placements.find((x) => x.configuration === '10');
    assert.ok(c10);
    assert.equal(c10.verdict, 'fits');
    assert.deepEqual(c10.hosts.map((h) => [h.host, h.vms.length, h.vcpus, h.memoryMB]), [
      ['DC0_C0_H0', 4, 48, 4 * 90 * 1024],
      ['DC0_C0_H1', 4, 48, 4 * 90 * 1024],
    ]);
    // The simulator's own two running VMs (1 vCPU, 32 MB each; not vharness's) count on their hosts.
    assert.equal(c10.hosts.reduce((s, h) => s + h.otherVcpus, 0), 2);
    assert.equal(c10.hosts.reduce((s, h) => s + h.otherMemoryMB, 0), 64);
    assert.ok(about(findings, '10').some((f) => f.level === 'info' && /fits/.test(f.message)));
    // The datastore need is the real sum: 39 VMs of 360 GB (3) and 90 GB (36) of swap plus disks, not 39 x 360 GB.
    const ds = findings.find((f) => /datastore/.test(f.message));
    assert.match(ds?.message ?? '', /39 new VM\(s\) need 4320\.\d GB/);
  });

  it('on one server as in the study, config 10 takes all 96 logical CPUs and config 2 (2 x 48) too: warnings, not errors', async () => {
    const p = provider('plan-host', { host: 'DC0_C0_H0' });
    const findings = await p.preflight(await table3Requests(), { runId: 'plan', log: recordingLogger() });
    assert.deepEqual(capacityErrors(findings), []);
    // 8 x 12 = 96 vCPUs plus the simulator's own running VMs there, if any.
    for (const c of ['2', '10']) {
      const f = about(findings, c);
      assert.ok(f.some((x) => x.level === 'warn' && /(vCPU overcommit|use all 96 logical CPUs)/.test(x.message)), `${c}: ${JSON.stringify(f)}`);
      assert.ok(!f.some((x) => x.level === 'error'), `${c}: ${JSON.stringify(f)}`);
    }
    // 8 x 90 GB = 720 GB fits in 768 GB; configuration 3 (1 x 12) fits without a word of warning.
    assert.ok(!about(findings, '3').some((x) => x.level !== 'info'));
  });

  it('run places VMs by policy: read back each VM\'s host', async () => {
    const request: TargetRequest = { target: 'vm', configuration: 'p', vms: 4, vcpus: 12, memoryGB: 90 };
    const hostsOf = async (prefix: string): Promise<Record<string, string>> => {
      const names = new Map((await listHosts(observer)).map((h) => [h.ref.value, h.name]));
      return Object.fromEntries((await listVms(observer)).filter((v) => v.name.startsWith(prefix)).map((v) => [v.name, names.get(v.host?.value ?? '') ?? '?']));
    };
    const ctx = { runId: 'place', log: recordingLogger() };

    const spread = provider('spread', { namePattern: 'spread-{config}-{index}' });
    await spread.acquire(request, ctx);
    const spreadHosts = await hostsOf('spread-');
    assert.equal(Object.keys(spreadHosts).length, 4);
    assert.equal(Object.values(spreadHosts).filter((h) => h === 'DC0_C0_H0').length, 2, JSON.stringify(spreadHosts));
    assert.equal(Object.values(spreadHosts).filter((h) => h === 'DC0_C0_H1').length, 2, JSON.stringify(spreadHosts));
    await spread.shutdown('success', ctx);

    const pack = provider('pack', { namePattern: 'pack-{config}-{index}', placement: 'pack' });
    await pack.acquire(request, ctx);
    assert.deepEqual(new Set(Object.values(await hostsOf('pack-'))), new Set(['DC0_C0_H0']));
    await pack.shutdown('success', ctx);

    const named = provider('named', { namePattern: 'named-{config}-{index}', host: 'DC0_C0_H1' });
    await named.acquire(request, ctx);
    assert.deepEqual(new Set(Object.values(await hostsOf('named-'))), new Set(['DC0_C0_H1']));
    // A second acquire reuses the VMs where they are.
    await named.acquire(request, ctx);
    assert.deepEqual(new Set(Object.values(await hostsOf('named-'))), new Set(['DC0_C0_H1']));
    await named.shutdown('success', ctx);
    assert.deepEqual(await hostsOf('named-'), {});
  });

  it('applies every VM setting through ReconfigVM and reads it back; a reused VM gets them cleared', async () => {
    const ctx = { runId: 'settings', log: recordingLogger() };
    const p = provider('settings', { namePattern: 'set-{config}-{index}', teardown: 'never' });
    const tuned: TargetRequest = {
      target: 'vm',
      configuration: 't',
      vms: 2,
      vcpus: 12,
      memoryGB: 90,
      settings: { coresPerSocket: 6, latencySensitivity: 'high', cpuReservationMHz: 2000, memoryReservation: 'all', cpuAffinity: [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]] },
    };
    await p.acquire(tuned, ctx);
    const read = async () => Object.fromEntries((await listVms(observer)).filter((v) => v.name.startsWith('set-')).map((v) => [v.name, v.config]));
    const after1 = await read();
    assert.deepEqual(after1['set-t-1'], { numCPUs: 12, memoryMB: 92160, coresPerSocket: 6, latencySensitivity: 'high', cpuReservationMHz: 2000, memoryReservationMB: 92160, memoryLocked: true, cpuAffinity: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
    assert.deepEqual(after1['set-t-2']?.cpuAffinity, [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);

    // The same row with a plain memory reservation and no other setting: the reused VMs are reconfigured to it.
    const plain: TargetRequest = { target: 'vm', configuration: 't', vms: 2, vcpus: 12, memoryGB: 90, settings: { memoryReservation: 1024 } };
    const p2 = provider('settings', { namePattern: 'set-{config}-{index}', teardown: 'always' });
    await p2.acquire(plain, ctx);
    const after2 = await read();
    assert.deepEqual(after2['set-t-1'], { numCPUs: 12, memoryMB: 92160, coresPerSocket: 12, latencySensitivity: 'normal', cpuReservationMHz: 0, memoryReservationMB: 1024, memoryLocked: false, cpuAffinity: [] });
    await p2.shutdown('success', ctx);
    await p.shutdown('success', ctx);
    assert.deepEqual(await read(), {});
  });
});

describe('capacity on govmomi\'s default hosts (3 x 2 CPUs, ~4 GiB)', () => {
  let vc: TestVcenter;
  let dir: string;
  before(async () => {
    process.env[PASSWORD_ENV] = 'pw';
    vc = await startTestVcenter();
    dir = await mkdtemp(join(tmpdir(), 'vharness-capacity-'));
  });
  after(async () => {
    await vc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    delete process.env[PASSWORD_ENV];
  });

  it('Table 3 does not fit: each VM has more vCPUs than a host, memory cannot fit, one verdict per configuration', async () => {
    const p = new VsphereProvider({ settings: settings(vc), ssh: SSH, leases: new LeaseStore(join(dir, 'l'), new URL(vc.state.url).host), deploy: false, log: recordingLogger(), owner: 'tester@test' });
    const ctx = { runId: 'plan', log: recordingLogger() };
    const findings = await p.preflight(await table3Requests(), ctx);
    for (const c of ['1', '2', '3', '10']) {
      const f = about(findings, c);
      assert.ok(f.some((x) => x.level === 'error' && /cannot power on/.test(x.message)), `${c}: ${JSON.stringify(f)}`);
      assert.ok(f.some((x) => x.level === 'error' && /memory cannot fit/.test(x.message)), `${c}: ${JSON.stringify(f)}`);
    }
    const placements = await p.placement(await table3Requests(), ctx);
    assert.equal(placements.length, 10);
    assert.ok(placements.every((x) => x.verdict === 'does not fit'));
  });
});

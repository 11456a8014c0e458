// The vSphere provider against the simulated vCenter (provisioning only: SSH and agents are
// covered by the e2e test): sizes read back, reuse without clones, resize, teardown, the IP
// deadline naming the VM, an abort during provisioning leaving every VM in the lease store, a
// VM held by a live run refused to a second run, an unnoted clone taken back by its lease, and
// cloning that stops when the cell has failed.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VsphereSettings } from '../../../harness/config/types.js';
import type { ProviderContext, TargetRequest } from '../../../harness/providers/provider.js';
import { VsphereProvider } from '../../../harness/providers/vsphere.js';
import type { VimClient } from '../../../harness/vsphere/client.js';
import { VsphereFault } from '../../../harness/vsphere/fault.js';
import { listObjects } from '../../../harness/vsphere/inventory-find.js';
import { LeaseStore, VmInUseError } from '../../../harness/vsphere/lease-store.js';
import { runTask } from '../../../harness/vsphere/task-wait.js';
import { destroyOwned, ownedVms } from '../../../harness/vsphere/owned-vms.js';
import { listVms, type VmInfo } from '../../../harness/vsphere/vm-inventory.js';
import { NO_SSH, recordingLogger, startTestVcenter, type RecordingLogger, type TestVcenter, testVsphereSettings } from './vcsim-fixture.js';

const PASSWORD_ENV = 'VHARNESS_TEST_VCENTER_PASSWORD';
const POOL = Array.from({ length: 8 }, (_, i) => `127.0.0.${11 + i}`);
const SSH = NO_SSH;

const settings = (vc: TestVcenter, overrides: Partial<VsphereSettings> = {}): VsphereSettings => testVsphereSettings(vc, PASSWORD_ENV, overrides);

const vm = (configuration: string, vms: number, vcpus: number, memoryGB: number): TargetRequest => ({ target: 'vm', configuration, vms, vcpus, memoryGB });

function ctx(runId: string, log: RecordingLogger, signal?: AbortSignal): ProviderContext {
  return signal ? { runId, log, signal } : { runId, log };
}

describe('vSphere provider on the simulator', () => {
  let vc: TestVcenter;
  let dir: string;
  let observer: VimClient;
  before(async () => {
    process.env[PASSWORD_ENV] = 'pw';
    vc = await startTestVcenter({ holdIp: '^vh-noip-' });
    dir = await mkdtemp(join(tmpdir(), 'vharness-vsphere-'));
    observer = vc.client();
    await observer.connect();
  });
  after(async () => {
    await vc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    delete process.env[PASSWORD_ENV];
  });

  async function vmsNamed(prefix: string): Promise<VmInfo[]> {
    return (await listVms(observer)).filter((v) => v.name.startsWith(prefix));
  }

  /** The lease store in the test's directory (`name` keeps tests apart). */
  function store(name: string): LeaseStore {
    return new LeaseStore(join(dir, name), new URL(vc.state.url).host);
  }

  function provider(leaseStore: string, overrides: Partial<VsphereSettings> = {}, log = recordingLogger()): VsphereProvider {
    return new VsphereProvider({ settings: settings(vc, overrides), ssh: SSH, leases: store(leaseStore), deploy: false, log, owner: 'tester@test' });
  }

  it('provisions configurations of 1..4 VMs with the requested size, reuses them without clones, resizes, tears down', async () => {
    const leaseFile = 'leases-main';
    const log = recordingLogger();
    const first = provider(leaseFile, {}, log);
    const sizes = [vm('c1', 1, 1, 1), vm('c2', 2, 2, 1), vm('c3', 3, 1, 2), vm('c4', 4, 2, 2)];
    for (const request of sizes) {
      if (request.target !== 'vm') continue;
      const targets = await first.acquire(request, ctx('run-1', log));
      assert.equal(targets.length, request.vms);
      const addresses = new Set(targets.map((t) => t.address));
      assert.equal(addresses.size, request.vms, 'distinct pool addresses');
      for (const t of targets) {
        assert.ok(t.address && POOL.includes(t.address), `${t.name} got ${t.address}`);
        assert.match(t.host, /^DC0_C0_H\d$/);
      }
      const back = await vmsNamed(`vh-${request.configuration}-`);
      assert.equal(back.length, request.vms);
      for (const v of back) {
        assert.equal(v.numCPUs, request.vcpus, `${v.name} numCPUs`);
        assert.equal(v.memoryMB, request.memoryGB * 1024, `${v.name} memoryMB`);
        assert.equal(v.powerState, 'poweredOn');
        assert.equal(v.ownership?.runId, 'run-1');
      }
    }
    const firstClient = await first.client();
    assert.equal(firstClient.callCount('CloneVM_Task'), 10);
    // Earlier configurations were powered off while later ones ran.
    assert.equal((await vmsNamed('vh-c1-'))[0]?.powerState, 'poweredOff');
    // Every created VM is in the lease file.
    const leases = await store(leaseFile).list();
    assert.equal(leases.length, 10);
    assert.ok(leases.every((l) => l.state === 'created' && l.moref !== undefined));
    const facts = await first.facts(ctx('run-1', log));
    assert.ok(facts.length >= 1);
    assert.ok(facts.every((f) => f.kind === 'vsphere' && f.hypervisor?.esxi === '6.5.0' && typeof f.hypervisor.cores === 'number' && /^DC0_C0_H\d$/.test(f.name)));
    await first.shutdown('success', { runId: 'run-1', log: recordingLogger() });
    // teardown 'always' applies to run-1: nothing owned by it may be left.
    assert.equal((await vmsNamed('vh-c')).length, 0);
    assert.deepEqual(await store(leaseFile).list(), []);
  });

  it('a second run reuses VMs (no clone calls) and a size change reconfigures them', async () => {
    const leaseFile = 'leases-reuse';
    const one = provider(leaseFile, { teardown: 'never', namePattern: 'vh-reuse-{config}-{index}' });
    await one.acquire(vm('r', 2, 1, 1), ctx('run-a', recordingLogger()));
    await one.shutdown('success', { runId: 'run-a', log: recordingLogger() });
    assert.equal((await vmsNamed('vh-reuse-')).length, 2, 'teardown never keeps them');

    const log = recordingLogger();
    const two = provider(leaseFile, { teardown: 'never', namePattern: 'vh-reuse-{config}-{index}' }, log);
    const targets = await two.acquire(vm('r', 2, 1, 1), ctx('run-b', log));
    const client = await two.client();
    assert.equal(targets.length, 2);
    assert.equal(client.callCount('CloneVM_Task'), 0);
    assert.ok(log.lines.some((l) => l.includes('reusing vh-reuse-r-1')));

    const resized = await two.acquire(vm('r', 2, 2, 2), ctx('run-b', log));
    assert.equal(client.callCount('CloneVM_Task'), 0);
    assert.equal(resized[0]?.vcpus, 2);
    for (const v of await vmsNamed('vh-reuse-')) {
      assert.equal(v.numCPUs, 2);
      assert.equal(v.memoryMB, 2048);
      assert.equal(v.ownership?.runId, 'run-b');
    }
    assert.ok(log.lines.some((l) => l.includes('powering off vh-reuse-r-1 to reconfigure it: vCPUs 1 (wanted 2)')), log.lines.join('\n'));

    // A VM moved to another host during a cell marks the cell through the target's notes.
    const moved = resized[0];
    assert.ok(moved?.afterCell);
    const ref = (await vmsNamed(moved.name))[0]?.ref;
    const other = (await listObjects(observer, 'HostSystem', ['name'])).find((h) => h.props.name !== moved.host && String(h.props.name).startsWith('DC0_C0_H'));
    assert.ok(ref && other);
    await runTask(observer, 'RelocateVM_Task', ref, { spec: { host: other.obj } });
    await moved.afterCell();
    assert.deepEqual(moved.notes, [`VM ${moved.name}: reconfigured`, `VM ${moved.name} moved from ${moved.host} to ${String(other.props.name)} during the cell`]);
    // A move between cells shows on the next acquire of that VM.
    const back = (await listObjects(observer, 'HostSystem', ['name'])).find((h) => h.props.name === moved.host);
    assert.ok(back);
    await runTask(observer, 'RelocateVM_Task', ref, { spec: { host: back.obj } });
    const again = await two.acquire(vm('r', 2, 2, 2), ctx('run-b', log));
    const same = again.find((t) => t.name === moved.name);
    assert.deepEqual(same?.notes, [`VM ${moved.name} moved from ${String(other.props.name)} to ${moved.host} since its previous cell`]);
    await two.shutdown('success', { runId: 'run-b', log: recordingLogger() });

    // What `vms destroy --run run-b` does.
    const owned = ownedVms(await listVms(observer), await store(leaseFile).list(), new URL(vc.state.url).host).filter((o) => o.runId === 'run-b');
    assert.equal(owned.length, 2);
    const outcome = await destroyOwned(observer, owned, store(leaseFile), recordingLogger(), { timeoutMs: 60_000 });
    assert.equal(outcome.destroyed.length, 2);
    assert.equal((await vmsNamed('vh-reuse-')).length, 0);
  });

  it('refuses to touch a VM it does not own', async () => {
    const p = provider('leases-foreign', { namePattern: 'DC0_C0_RP0_VM{index}' });
    await assert.rejects(p.acquire(vm('x', 1, 1, 1), ctx('run-f', recordingLogger())), /DC0_C0_RP0_VM1 exists and is not owned by vharness/);
    await p.shutdown('failure', { runId: 'run-f', log: recordingLogger() });
  });

  it('fails in bounded time naming the VM when its IP never appears', async () => {
    const leaseFile = 'leases-noip';
    const p = provider(leaseFile, { namePattern: 'vh-noip-{index}', ipTimeoutMs: 1500 });
    await assert.rejects(p.acquire(vm('n', 1, 1, 1), ctx('run-n', recordingLogger())), (e: unknown) => e instanceof VsphereFault && e.fault === 'Timeout' && /VM vh-noip-1: no guest IP in 127\.0\.0\.0\/8 within 1500 ms/.test(e.message));
    await p.shutdown('failure', { runId: 'run-n', log: recordingLogger() });
    // teardown 'always' cleans up after a failed run too.
    assert.equal((await vmsNamed('vh-noip-')).length, 0);
  });

  it('an abort during provisioning leaves every created VM in the lease file', async () => {
    const leaseFile = 'leases-abort';
    const log = recordingLogger();
    const controller = new AbortController();
    let clones = 0;
    log.onLine = (line) => {
      if (line.includes('cloning vh-abort-') && ++clones === 2) controller.abort(new Error('interrupted'));
    };
    const p = provider(leaseFile, { namePattern: 'vh-abort-{index}', cloneConcurrency: 2, teardown: 'never' }, log);
    await assert.rejects(p.acquire(vm('a', 4, 1, 1), ctx('run-x', log, controller.signal)));
    const created = await vmsNamed('vh-abort-');
    assert.ok(created.length >= 1, 'the interrupted clones happened');
    const leases = await store(leaseFile).list();
    for (const v of created) assert.ok(leases.some((l) => l.name === v.name), `${v.name} is in the lease file`);
    await p.shutdown('interrupted', { runId: 'run-x', log: recordingLogger() });
    const owned = ownedVms(await listVms(observer), leases, new URL(vc.state.url).host).filter((o) => o.runId === 'run-x');
    assert.equal(owned.filter((o) => o.vm !== undefined).length, created.length, 'lease + notes find every created VM');
    await destroyOwned(observer, owned, store(leaseFile), recordingLogger(), { timeoutMs: 60_000 });
    assert.equal((await vmsNamed('vh-abort-')).length, 0);
    assert.deepEqual(await store(leaseFile).list(), []);
    assert.deepEqual(await readdir(join(dir, leaseFile, 'runs')), [], 'the heartbeat is gone after shutdown');
  });

  it('preflight finds the template, warns about DRS and checks sizes against the hosts', async () => {
    const p = provider('leases-plan');
    const findings = await p.preflight([vm('c1', 1, 2, 1), vm('huge', 1, 64, 1)], ctx('plan', recordingLogger()));
    await p.shutdown('success', { runId: 'plan', log: recordingLogger() });
    assert.ok(findings.some((f) => f.level === 'info' && f.message.includes('template found')));
    assert.ok(findings.some((f) => f.level === 'warn' && f.message.includes('DRS')));
    assert.ok(findings.some((f) => f.level === 'warn' && f.message.startsWith('configuration c1') && /use all 2 logical CPUs|vCPU overcommit/.test(f.message)), JSON.stringify(findings));
    assert.ok(findings.some((f) => f.level === 'error' && f.message.startsWith('configuration huge')));
    // The simulator grants every privilege (HasPrivilegeOnEntity answers true): none is missing.
    assert.ok(findings.some((f) => f.level === 'info' && /holds the 12 privileges a run needs/.test(f.message)), JSON.stringify(findings));
    assert.ok(!findings.some((f) => /lacks privilege|privileges not checked/.test(f.message)), JSON.stringify(findings));
    const missing = provider('leases-plan2', { template: 'no-such-template' });
    const bad = await missing.preflight([vm('c1', 1, 1, 1)], ctx('plan', recordingLogger()));
    assert.ok(bad.some((f) => f.level === 'error' && f.message.includes('no-such-template')));
  });
  it('a VM held by a live run is refused to a second run (naming that run) until the first ends', async () => {
    const pattern = { namePattern: 'vh-live-{index}', teardown: 'never' as const };
    const a = provider('leases-live', pattern);
    await a.acquire(vm('l', 1, 1, 1), ctx('run-alive', recordingLogger()));
    const b = provider('leases-live', pattern);
    const plan = await b.preflight([vm('l', 1, 1, 1)], ctx('plan', recordingLogger()));
    assert.ok(plan.some((f) => f.level === 'error' && /VM vh-live-1 is in use by run run-alive \(pid \d+ on /.test(f.message)), JSON.stringify(plan));
    await assert.rejects(b.acquire(vm('l', 1, 1, 1), ctx('run-second', recordingLogger())), (e: unknown) => e instanceof VmInUseError && e.runId === 'run-alive');
    assert.equal((await vmsNamed('vh-live-1'))[0]?.ownership?.runId, 'run-alive', 'the second run did not re-label it');
    await a.shutdown('success', { runId: 'run-alive', log: recordingLogger() });
    // The first run ended (heartbeat gone): the VM is free for the next run, whose id the lease now carries.
    const targets = await b.acquire(vm('l', 1, 1, 1), ctx('run-second', recordingLogger()));
    assert.deepEqual(targets[0]?.notes, ['VM vh-live-1: reused (left by an earlier run)']);
    assert.equal((await store('leases-live').get('vh-live-1'))?.runId, 'run-second');
    await b.shutdown('success', { runId: 'run-second', log: recordingLogger() });
    const owned = ownedVms(await listVms(observer), await store('leases-live').list(), new URL(vc.state.url).host).filter((o) => o.runId === 'run-second');
    assert.equal(owned.length, 1, '`vms destroy --run` of the latest run finds the VM');
    await destroyOwned(observer, owned, store('leases-live'), recordingLogger(), { timeoutMs: 60_000 });
    assert.equal((await vmsNamed('vh-live-')).length, 0);
  });

  it('concurrent lease writers lose no entry, and one VM is claimed by exactly one of two live runs', async () => {
    const one = store('leases-race');
    const two = store('leases-race');
    const lease = (name: string, runId: string) => ({ name, vcenter: one.vcenter, runId, owner: 'o', configuration: 'c', expires: '2100-01-01T00:00:00Z', state: 'creating' as const, createdAt: new Date().toISOString() });
    const alive = async () => ({ live: true, detail: 'test' });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? one : two).claim(lease(`vm-${i}`, `run-${i % 2}`), alive)));
    assert.equal((await one.list()).length, 40);
    const contested = await Promise.allSettled([one.claim(lease('vm-x', 'run-a'), alive), two.claim(lease('vm-x', 'run-b'), alive)]);
    assert.equal(contested.filter((c) => c.status === 'fulfilled').length, 1);
    assert.ok(contested.some((c) => c.status === 'rejected' && c.reason instanceof VmInUseError));
    assert.equal((await one.list()).length, 41);
  });

  it('a clone that never got its note is taken back through its lease, not refused as NotOwned', async () => {
    const pattern = { namePattern: 'vh-bare-{index}', teardown: 'never' as const };
    const a = provider('leases-bare', pattern);
    await a.acquire(vm('b', 1, 1, 1), ctx('run-bare-1', recordingLogger()));
    await a.shutdown('interrupted', { runId: 'run-bare-1', log: recordingLogger() });
    // What an interrupt right at the clone leaves: a VM without the ownership note.
    const bare = (await vmsNamed('vh-bare-1'))[0];
    assert.ok(bare);
    await runTask(observer, 'ReconfigVM_Task', bare.ref, { spec: { annotation: 'a note written by hand' } });
    assert.equal((await vmsNamed('vh-bare-1'))[0]?.ownership, undefined);
    const log = recordingLogger();
    const b = provider('leases-bare', { ...pattern, teardown: 'always' }, log);
    const plan = await b.preflight([vm('b', 1, 1, 1)], ctx('plan', recordingLogger()));
    assert.ok(!plan.some((f) => f.level === 'error'), JSON.stringify(plan));
    await b.acquire(vm('b', 1, 1, 1), ctx('run-bare-2', log));
    assert.ok(log.lines.some((l) => l.includes('vh-bare-1 has no ownership note but its lease (run run-bare-1)')));
    assert.equal((await vmsNamed('vh-bare-1'))[0]?.ownership?.runId, 'run-bare-2');
    await b.shutdown('success', { runId: 'run-bare-2', log: recordingLogger() });
    assert.equal((await vmsNamed('vh-bare-')).length, 0);
  });

  it('cloning stops as soon as one VM of the cell fails (the IP pool runs out)', async () => {
    const p = provider('leases-stop', { namePattern: 'vh-stop-{index}', cloneConcurrency: 1, ipPool: { cidr: '127.0.0.0/8', addresses: [POOL[7] as string] }, teardown: 'never' });
    await assert.rejects(p.acquire(vm('s', 4, 1, 1), ctx('run-stop', recordingLogger())));
    const client = await p.client();
    assert.equal(client.callCount('CloneVM_Task'), 1, 'no clone after the failed VM');
    const leases = await store('leases-stop').list();
    assert.deepEqual(leases.map((l) => l.name), ['vh-stop-1'], 'no lease for a VM that was never cloned');
    const created = await vmsNamed('vh-stop-');
    assert.deepEqual(created.map((v) => [v.name, v.ownership?.runId]), [['vh-stop-1', 'run-stop']], 'the clone carries its note');
    await p.shutdown('failure', { runId: 'run-stop', log: recordingLogger() });
    await destroyOwned(observer, ownedVms(await listVms(observer), leases, new URL(vc.state.url).host).filter((o) => o.runId === 'run-stop'), store('leases-stop'), recordingLogger(), { timeoutMs: 60_000 });
  });
});

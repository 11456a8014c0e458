// The ssh provider against real sshd guests: VM targets (one per host), bare-metal slots
// pinned with taskset, capacity errors, a full load+run through SSH, and a guest killed
// during a run failing that instance with the reason while the others keep working.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SshHost } from '../../../harness/config/types.js';
import { AgentError } from '../../../harness/errors.js';
import { stopGuest } from '../../../harness/lab/guests.js';
import type { LabGuest } from '../../../harness/lab/state.js';
import type { Provider, ProviderContext } from '../../../harness/providers/provider.js';
import { createSshProvider } from '../../../harness/providers/ssh.js';
import { AgentSession } from '../../../harness/transport/session.js';
import { writeTinyModel } from '../../agent/tiny-onnx-fixture.js';
import { recordingLogger, startTestLab, type TestLab } from '../../lab/ssh-lab-fixture.js';

let lab: TestLab;
let vm: Provider;
let baremetal: Provider;
let model: { path: string; sha256: string };
const ctx: ProviderContext = { runId: 'test', log: recordingLogger() };

function host(guest: LabGuest, cpus?: number[][]): SshHost {
  return { name: guest.name, address: guest.address, port: guest.port, user: lab.state.user, key: { file: lab.state.clientKey }, node: 'auto', dir: guest.remoteDir, ...(cpus ? { cpus } : {}) };
}

before(async () => {
  lab = await startTestLab(3);
  const ssh = { ...lab.connectOptions(), concurrency: 4 };
  vm = createSshProvider({ role: 'vm', hosts: [host(lab.guest(0)), host(lab.guest(1))], ssh, log: ctx.log });
  baremetal = createSshProvider({ role: 'baremetal', hosts: [host(lab.guest(2), [[0], [1]])], ssh, log: ctx.log });
  const path = join(lab.dir, 'tiny.onnx');
  writeTinyModel(path);
  model = { path, sha256: createHash('sha256').update(await readFile(path)).digest('hex') };
});
after(async () => {
  await vm?.shutdown('success', ctx);
  await baremetal?.shutdown('success', ctx);
  await lab?.stop();
});

test('capacity: more VMs than hosts is a preflight error and an acquire error', async () => {
  const request = { target: 'vm', configuration: 'c3', vms: 3, vcpus: 1, memoryGB: 1 } as const;
  const findings = await vm.preflight([request], ctx);
  assert.equal(findings.length, 1);
  assert.match(findings[0]?.message ?? '', /needs 3 VMs but the inventory lists 2 ssh host/);
  await assert.rejects(vm.acquire(request, ctx), /needs 3 VMs/);
  assert.deepEqual(await baremetal.preflight([{ target: 'baremetal', configuration: 'c3', instances: 3 }], ctx), [
    { level: 'error', message: 'guest-3: has CPU lists for 2 instance slot(s) but the cell runs 3 instances' },
  ]);
});

test('bare-metal slots are pinned to their CPU lists', async () => {
  const targets = await baremetal.acquire({ target: 'baremetal', configuration: 'c2', instances: 2 }, ctx);
  assert.deepEqual(targets.map((t) => [t.name, t.cpus, t.vcpus]), [
    ['guest-3#0', [0], 1],
    ['guest-3#1', [1], 1],
  ]);
  const sessions = await Promise.all(targets.map(async (t) => new AgentSession(await t.launch({ label: t.name }))));
  const hellos = await Promise.all(sessions.map((s) => s.request('hello', {}, { timeoutMs: 60_000 })));
  assert.deepEqual(hellos.map((h) => h.sysinfo.affinity), [[0], [1]]);
  await Promise.all(sessions.map((s) => s.close()));
  const facts = await baremetal.facts(ctx);
  assert.equal(facts[0]?.name, 'guest-3');
  assert.ok((facts[0]?.sysinfo?.threads ?? 0) >= 1);
});

test('VM targets run the model through SSH; a guest killed mid-run fails only its instance', async () => {
  const targets = await vm.acquire({ target: 'vm', configuration: 'c2', vms: 2, vcpus: 2, memoryGB: 1 }, ctx);
  assert.deepEqual(targets.map((t) => t.name), ['guest-1', 'guest-2']);
  const sessions = await Promise.all(
    targets.map(async (t) => {
      const remotePath = await t.stageModel(model.path, model.sha256);
      assert.equal(remotePath, `${lab.state.guests.find((g) => g.name === t.name)?.remoteDir}/models/${model.sha256}.onnx`);
      const session = new AgentSession(await t.launch({ label: t.name }));
      await session.request('load', { model: remotePath, sha256: model.sha256, precision: 'fp32', intraOpThreads: 1, batch: 1 }, { timeoutMs: 60_000 });
      return session;
    }),
  );
  const [survivor, victim] = sessions;
  assert.ok(survivor && victim);
  const short = await survivor.request('run', { warmup: 1, steps: 5, batch: 1 }, { timeoutMs: 60_000 });
  assert.equal(short.ends.length, 5);

  let progressed!: () => void;
  const started = new Promise<void>((resolve) => (progressed = resolve));
  const long = victim.request('run', { warmup: 1, steps: 1, durationMs: 600_000, batch: 1, progressEveryMs: 50 }, { onProgress: () => progressed() });
  const outcome = long.then(
    () => undefined,
    (e: unknown) => e,
  );
  await started;
  await stopGuest(lab.guest(1));
  const error = await outcome;
  assert.ok(error !== undefined, 'the run request fails');
  await assert.rejects(Promise.reject(error), (e: unknown) => {
    assert.ok(e instanceof AgentError);
    assert.match(e.message, /guest-2: agent went away during 'run'/);
    assert.match(e.message, /connection closed by the host/);
    return true;
  });
  const after = await survivor.request('run', { warmup: 0, steps: 3, batch: 1 }, { timeoutMs: 60_000 });
  assert.equal(after.ends.length, 3, 'the other guest keeps working');
  await survivor.close();
});

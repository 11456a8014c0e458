// Scale through vSphere: one configuration of 32 VMs of the tiny model, cloned in the simulator
// (its 3 hosts sized 16 logical CPUs each) and reached at 32 sshd guests, runs to completion
// with every instance measured, each VM on the host the spread policy chose, and leaves no VM.
// Steps are tiny (a 3 s common window, so 32 agents on a busy 2-core machine overlap): this checks that 32 VMs work end to end, not how fast (bench/provision.ts).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { labDown, labUp } from '../../harness/lab/lab.js';
import type { LabState } from '../../harness/lab/state.js';
import { startVcenterSim, stopVcenterSim, type VcenterSimState } from '../../harness/lab/vcsim.js';
import type { RunSummary } from '../../harness/results/types.js';
import { recordingLogger } from '../lab/ssh-lab-fixture.js';
import { runCli, resultsDirOf } from '../cli-process.js';

const VMS = 32;
let tmp: string;
let lab: LabState;
let vcenter: VcenterSimState;
let inventory: string;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vharness-32vms-'));
  lab = await labUp({ dir: join(tmp, 'lab'), guests: VMS, withoutNode: [] }, recordingLogger());
  vcenter = await startVcenterSim(lab.dir, { guests: lab.guests, sshUser: lab.user, clientKey: lab.clientKey, knownHosts: lab.knownHosts, port: 0, watchParent: true, hosts: { cpus: 16, sockets: 2, memoryGB: 64 } });
  const doc = parse(await readFile(vcenter.inventory ?? '', 'utf8')) as { vm: Record<string, unknown>; ssh: Record<string, unknown> };
  doc.vm.ipPool = { cidr: '127.0.0.0/8', addresses: lab.guests.map((g) => g.address) };
  doc.vm.cloneConcurrency = 8;
  doc.vm.teardown = 'always';
  doc.ssh.concurrency = 8;
  doc.ssh.keepaliveIntervalMs = 5000;
  inventory = join(tmp, 'sim.yaml');
  await writeFile(inventory, stringify(doc));
});

after(async () => {
  if (vcenter) await stopVcenterSim(vcenter);
  if (lab) await labDown(lab.dir, recordingLogger());
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test(`a throughput cell on ${VMS} VMs of the tiny model completes, spread over the simulated hosts`, async () => {
  const config = join(tmp, 'scale.yaml');
  await writeFile(
    config,
    stringify({
      name: 'scale32',
      model: { arch: 'tiny', seed: 1 },
      precisions: ['fp32'],
      baremetal: false,
      startLeadMs: 5000,
      configurations: [{ id: 32, vms: VMS, vcpus: 1, memoryGB: 0.25 }],
      workloads: [{ kind: 'throughput', configuration: 32, batch: 1, threads: 1, measure: { warmup: 1, steps: 3, durationMs: 3000 } }],
    }),
  );
  const run = await runCli(['run', config, '-i', inventory, '--no-report'], { cwd: tmp, timeoutMs: 900_000 });
  assert.equal(run.code, 0, run.stderr.split('\n').filter((l) => /warning|error|failed/.test(l)).slice(0, 20).join('\n'));
  const summary = JSON.parse(await readFile(join(resultsDirOf(run), 'summary.json'), 'utf8')) as RunSummary;
  const [cell] = summary.cells;
  assert.ok(cell);
  assert.equal(cell.status, 'completed', cell.status === 'failed' ? cell.error : '');
  assert.equal(cell.per_instance.length, VMS);
  assert.ok(cell.per_instance.every((i) => i.status === 'completed' && i.steps >= 3));
  // spread over 3 hosts: 11 + 11 + 10 VMs (give or take the simulator's own running VMs), each read back.
  const perHost = new Map<string, number>();
  for (const i of cell.per_instance) perHost.set(i.host, (perHost.get(i.host) ?? 0) + 1);
  assert.equal(perHost.size, 3, JSON.stringify([...perHost]));
  for (const n of perHost.values()) assert.ok(n >= 10 && n <= 12, JSON.stringify([...perHost]));
  assert.ok(cell.per_instance.every((i) => i.vm?.host === i.host && i.vm.placement === 'spread'));
  // teardown always: nothing left in the simulator.
  const left = await runCli(['vms', 'list', '-i', inventory, '--all-owned', '--json'], { cwd: tmp });
  assert.deepEqual(JSON.parse(left.stdout), []);
});

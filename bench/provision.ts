// Provisioning benchmark on the simulated lab: N VMs of the tiny model (1 vCPU, 0.25 GB) cloned
// in the vCenter simulator, reached at N real sshd guests, the agent deployed, the model staged
// and one agent per VM answering hello: wall time for new VMs, then for the same VMs reused
// (a fresh provider, as a second run would). `node dist/bench/provision.js [--counts 8,16,32,64]
// [--json]`. All on loopback and one machine: guests share its CPUs, so it measures vharness's
// own overhead (SOAP calls, SSH, uploads, unpacking), not a network.
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadInventory } from '../harness/config/load.js';
import type { VsphereSettings } from '../harness/config/types.js';
import { labDown, labUp, MAX_GUESTS } from '../harness/lab/lab.js';
import { startVcenterSim, stopVcenterSim } from '../harness/lab/vcsim.js';
import { silentLogger } from '../harness/log.js';
import type { Target } from '../harness/providers/provider.js';
import { VsphereProvider } from '../harness/providers/vsphere.js';
import { AgentSession } from '../harness/transport/session.js';
import { writeTinyModel } from '../test/agent/tiny-onnx-fixture.js';
import { LeaseStore } from '../harness/vsphere/lease-store.js';

interface Row {
  vms: number;
  pass: 'new' | 'reused';
  seconds: number;
  perVmMs: number;
}

/** Stages the model on every target and has one agent per target answer hello. */
async function ready(targets: Target[], model: { path: string; sha256: string }): Promise<void> {
  await Promise.all(
    targets.map(async (t) => {
      await t.stageModel(model.path, model.sha256);
      const session = new AgentSession(await t.launch({ label: `${t.name}#bench` }));
      try {
        await session.request('hello', {}, { timeoutMs: 120_000 });
      } finally {
        await session.close();
      }
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { counts: { type: 'string' }, json: { type: 'boolean' } } });
  const counts = (values.counts ?? '8,16,32,64').split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_GUESTS)) throw new Error(`Expected --counts to list integers from 1 to ${MAX_GUESTS}, got '${values.counts}'`);
  const root = await mkdtemp(join(tmpdir(), 'vharness-bench-provision-'));
  const modelPath = join(root, 'tiny.onnx');
  writeTinyModel(modelPath);
  const model = { path: modelPath, sha256: createHash('sha256').update(await readFile(modelPath)).digest('hex') };
  const lab = await labUp({ dir: join(root, 'lab'), guests: Math.max(...counts), withoutNode: [] }, silentLogger);
  const vcenter = await startVcenterSim(lab.dir, { guests: lab.guests, sshUser: lab.user, clientKey: lab.clientKey, knownHosts: lab.knownHosts, port: 0, watchParent: true });
  const rows: Row[] = [];
  try {
    const inventory = await loadInventory(vcenter.inventory);
    if (inventory.vm.provider !== 'vsphere') throw new Error('the simulator inventory is not a vSphere one');
    const base: VsphereSettings = { ...inventory.vm.vsphere, ipPool: { cidr: '127.0.0.0/8', addresses: lab.guests.map((g) => g.address) }, namePattern: 'b{config}-{index}', cloneConcurrency: 8 };
    // Keepalive as a real lab would have it: the lab inventory's 1 s x 3 drops connections on a busy machine.
    const ssh = { ...inventory.ssh, concurrency: 8, keepaliveIntervalMs: 5000 };
    for (const n of counts) {
      const request = { target: 'vm', configuration: `n${n}`, vms: n, vcpus: 1, memoryGB: 0.25 } as const;
      for (const pass of ['new', 'reused'] as const) {
        // A fresh provider per pass (new SSH connections and vCenter session), as a new run has.
        const settings: VsphereSettings = { ...base, teardown: pass === 'new' ? 'never' : 'always' };
        const provider = new VsphereProvider({ settings, ssh, leases: new LeaseStore(join(root, 'leases'), new URL(settings.url).host), log: silentLogger, owner: 'bench@lab' });
        const ctx = { runId: `bench-${n}-${pass}`, log: silentLogger };
        const start = process.hrtime.bigint();
        await ready(await provider.acquire(request, ctx), model);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        rows.push({ vms: n, pass, seconds, perVmMs: (seconds * 1000) / n });
        if (!values.json) process.stderr.write(`${n} VMs ${pass}: ${seconds.toFixed(2)} s\n`);
        await provider.shutdown('success', ctx);
      }
      await rm(join(lab.dir, 'vm-dirs'), { recursive: true, force: true });
    }
  } finally {
    await stopVcenterSim(vcenter);
    await labDown(lab.dir, silentLogger);
    await rm(root, { recursive: true, force: true });
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const lines = ['VMs   new (s)   per VM (ms)   reused (s)   per VM (ms)'];
  for (const n of counts) {
    const fresh = rows.find((r) => r.vms === n && r.pass === 'new');
    const reused = rows.find((r) => r.vms === n && r.pass === 'reused');
    lines.push(`${String(n).padStart(3)}   ${fresh?.seconds.toFixed(2).padStart(7)}   ${fresh?.perVmMs.toFixed(0).padStart(11)}   ${reused?.seconds.toFixed(2).padStart(10)}   ${reused?.perVmMs.toFixed(0).padStart(11)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/provision: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

// Provisioning benchmark on the simulated lab: N VMs of the tiny model (1 vCPU, 0.25 GB) cloned
// in the vCenter simulator, reached at N real sshd guests, the agent deployed, the model staged
// and one agent per VM answering hello: wall time for new VMs, then for the same VMs reused
// (a fresh provider, as a second run would). `node dist/bench/provision.js [--counts 8,16,32,64]
// [--json] [--trace]` (--trace: every log line with its time since the pass began, on stderr). All on loopback and one machine: guests share its CPUs, so it measures vharness's
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
import { silentLogger, type Logger } from '../harness/log.js';
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
  /** CPU seconds of the pass: this process, the guests (sshd and all it ran), the simulator. */
  cpu: { controller: number; guests: number; vcenter: number };
}

/** CPU seconds (user + system, with reaped children) of a process from /proc; 0 when it is gone. */
async function processCpu(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14-17 (1-based; 12-15 after pid and comm), in 1/100 s.
  return fields.slice(11, 15).reduce((sum, f) => sum + Number(f || 0), 0) / 100;
}

/** CPU seconds used so far by this process, the guests' sshd (each reaps what its sessions ran), the simulator. */
async function cpuNow(guestPids: number[], vcenterPid: number): Promise<Row['cpu']> {
  const own = process.cpuUsage();
  const guests = await Promise.all(guestPids.map(processCpu));
  return { controller: (own.user + own.system) / 1e6, guests: guests.reduce((a, b) => a + b, 0), vcenter: await processCpu(vcenterPid) };
}

/** `--trace`: every log line (debug too) to stderr, stamped with seconds since the pass began. */
function traceLogger(): Logger & { reset(): void } {
  let start = process.hrtime.bigint();
  const line = (kind: string) => (message: string) => process.stderr.write(`${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(3).padStart(7)} ${kind} ${message}\n`);
  return { info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug'), progress() {}, reset: () => (start = process.hrtime.bigint()) };
}

/** Stages the model on every target and has one agent per target answer hello. */
async function ready(targets: Target[], model: { path: string; sha256: string }, log: Logger): Promise<void> {
  await Promise.all(
    targets.map(async (t) => {
      await t.stageModel(model.path, model.sha256);
      log.debug(`bench: ${t.name} model staged`);
      const session = new AgentSession(await t.launch({ label: `${t.name}#bench` }));
      try {
        await session.request('hello', {}, { timeoutMs: 120_000 });
        log.debug(`bench: ${t.name} agent answered hello`);
      } finally {
        await session.close();
      }
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { counts: { type: 'string' }, json: { type: 'boolean' }, trace: { type: 'boolean' } } });
  const trace = values.trace ? traceLogger() : undefined;
  const log: Logger = trace ?? silentLogger;
  const counts = (values.counts ?? '8,16,32,64').split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_GUESTS)) throw new Error(`Expected --counts to list integers from 1 to ${MAX_GUESTS}, got '${values.counts}'`);
  const root = await mkdtemp(join(tmpdir(), 'vharness-bench-provision-'));
  const modelPath = join(root, 'tiny.onnx');
  writeTinyModel(modelPath);
  const model = { path: modelPath, sha256: createHash('sha256').update(await readFile(modelPath)).digest('hex') };
  const lab = await labUp({ dir: join(root, 'lab'), guests: Math.max(...counts), withoutNode: [] }, silentLogger);
  const vcenter = await startVcenterSim(lab.dir, { guests: lab.guests, sshUser: lab.user, clientKey: lab.clientKey, knownHosts: lab.knownHosts, port: 0, watchParent: true });
  const rows: Row[] = [];
  const guestPids = lab.guests.map((g) => g.innerPid).filter((p): p is number => p !== null);
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
        const provider = new VsphereProvider({ settings, ssh, leases: new LeaseStore(join(root, 'leases'), new URL(settings.url).host), log, owner: 'bench@lab' });
        const ctx = { runId: `bench-${n}-${pass}`, log };
        trace?.reset();
        const before = await cpuNow(guestPids, vcenter.pid);
        const start = process.hrtime.bigint();
        const targets = await provider.acquire(request, ctx);
        log.debug(`bench: ${n} VMs acquired`);
        await ready(targets, model, log);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const atReady = await cpuNow(guestPids, vcenter.pid);
        await provider.shutdown('success', ctx);
        // Guests: session processes end with their connections; give their sshd a moment to reap them.
        await new Promise((r) => setTimeout(r, 300));
        const guests = (await cpuNow(guestPids, vcenter.pid)).guests;
        const cpu = { controller: atReady.controller - before.controller, guests: guests - before.guests, vcenter: atReady.vcenter - before.vcenter };
        rows.push({ vms: n, pass, seconds, perVmMs: (seconds * 1000) / n, cpu });
        if (!values.json) process.stderr.write(`${n} VMs ${pass}: ${seconds.toFixed(2)} s; CPU s: controller ${cpu.controller.toFixed(2)}, guests ${cpu.guests.toFixed(2)}, simulator ${cpu.vcenter.toFixed(2)}\n`);
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
  const lines = ['VMs   new (s)   per VM (ms)   CPU s per VM   reused (s)   per VM (ms)   CPU s per VM'];
  const perVmCpu = (r: Row | undefined): string => (r ? ((r.cpu.controller + r.cpu.guests + r.cpu.vcenter) / r.vms).toFixed(2) : '');
  for (const n of counts) {
    const fresh = rows.find((r) => r.vms === n && r.pass === 'new');
    const reused = rows.find((r) => r.vms === n && r.pass === 'reused');
    lines.push(
      `${String(n).padStart(3)}   ${fresh?.seconds.toFixed(2).padStart(7)}   ${fresh?.perVmMs.toFixed(0).padStart(11)}   ${perVmCpu(fresh).padStart(12)}   ${reused?.seconds.toFixed(2).padStart(10)}   ${reused?.perVmMs.toFixed(0).padStart(11)}   ${perVmCpu(reused).padStart(12)}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/provision: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

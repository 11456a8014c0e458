// End to end through vSphere: `vharness run configs/ci.yaml -i <sim inventory>` with VMs cloned
// in the simulated vCenter and reached at real sshd guests (the IP pool is their addresses);
// a second run reuses the VMs (no clones); `vharness vms list` and `vms destroy --run ID`
// leave no owned VM. Faults: Ctrl-C during provisioning, a second run while the first one
// holds the VMs, a wrong password, a refused certificate, too large a VM, a dead and a frozen
// vCenter: each with its exit code, and nothing untracked left in the simulator.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { labDown, labUp } from '../../harness/lab/lab.js';
import type { LabState } from '../../harness/lab/state.js';
import { startVcenterSim, stopVcenterSim, type VcenterSimState } from '../../harness/lab/vcsim.js';
import type { RunManifest, RunSummary } from '../../harness/results/types.js';
import { VimClient } from '../../harness/vsphere/client.js';
import { listVms } from '../../harness/vsphere/vm-inventory.js';
import { recordingLogger } from '../lab/ssh-lab-fixture.js';
import { runCli, resultsDirOf as resultsDir, type CliRun as Run } from '../cli-process.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin/vharness.js');
const vharness = (args: string[], cwd: string): Promise<Run> => runCli(args, { cwd });

async function summaryOf(run: Run): Promise<RunSummary> {
  return JSON.parse(await readFile(join(resultsDir(run), 'summary.json'), 'utf8')) as RunSummary;
}

interface ListedVm {
  name: string;
  run: string;
  power: string;
  vcpus: number | null;
  memory_mb: number | null;
  exists: boolean;
}

describe('vharness run through vSphere (simulated vCenter + sshd guests)', () => {
  let tmp: string;
  let lab: LabState;
  let vcenter: VcenterSimState;
  let inventory: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vharness-vsphere-e2e-'));
    // The lease store of every CLI run below: this test's own directory, never ~/.local/state.
    process.env.VHARNESS_STATE_DIR = join(tmp, 'state');
    // Four guests: three addresses in the IP pool, the last one the bare-metal host.
    lab = await labUp({ dir: join(tmp, 'lab'), guests: 4, withoutNode: [] }, recordingLogger());
    vcenter = await startVcenterSim(lab.dir, {
      guests: lab.guests.map((g) => ({ name: g.name, address: g.address, port: g.port })),
      sshUser: lab.user,
      clientKey: lab.clientKey,
      knownHosts: lab.knownHosts,
      port: 0,
      watchParent: true,
    });
    assert.ok(vcenter.inventory);
    // Keep VMs after a successful run so the second run can reuse them.
    const doc = parse(await readFile(vcenter.inventory, 'utf8')) as { vm: Record<string, unknown> };
    doc.vm.teardown = 'never';
    inventory = join(tmp, 'sim.yaml');
    await writeFile(inventory, stringify(doc));
  });
  after(async () => {
    delete process.env.VHARNESS_STATE_DIR;
    if (vcenter) await stopVcenterSim(vcenter);
    if (lab) await labDown(lab.dir, recordingLogger());
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  let firstRun: RunSummary;

  it('runs configs/ci.yaml on cloned VMs sized as asked, results shaped like the SSH run', async () => {
    const run = await vharness(['run', join(root, 'configs/ci.yaml'), '-i', inventory, '--no-report'], tmp);
    assert.equal(run.code, 0, run.stderr);
    firstRun = await summaryOf(run);
    assert.equal(firstRun.cells.length, 20);
    for (const c of firstRun.cells) {
      assert.equal(c.status, 'completed', `${c.key}: ${c.status === 'failed' ? c.error : ''}`);
      assert.ok(c.status === 'completed' && c.throughput_ips.mean > 0, `${c.key} throughput`);
      assert.equal(c.per_instance.length, c.instances, c.key);
      for (const i of c.per_instance) {
        if (c.target === 'vm') {
          assert.match(i.name, /^vh-\d-\d/, `${c.key} runs on a cloned VM`);
          assert.match(i.host, /^DC0_C0_H\d$/, `${c.key} names the ESXi host`);
          // The VM's placement and settings as read back, recorded per instance.
          assert.equal(i.vm?.host, i.host, `${c.key} records the VM's host`);
          assert.equal(i.vm?.placement, 'spread');
          assert.equal(i.vm?.cores_per_socket, c.vcpus_per_instance);
          assert.equal(i.vm?.latency_sensitivity, 'normal');
        } else {
          assert.equal(i.host, 'guest-4', `${c.key} runs on the bare-metal guest`);
        }
      }
    }
    for (const name of ['vh-1-1', 'vh-2-1', 'vh-2-2', 'vh-3-1']) assert.match(run.stderr, new RegExp(`cloning ${name} `), `${name} was cloned`);
    // The manifest carries the ESXi hosts' facts next to the agents' sysinfo.
    const manifest = JSON.parse(await readFile(join(resultsDir(run), 'manifest.json'), 'utf8')) as RunManifest;
    const esxi = manifest.hosts.filter((h) => h.kind === 'vsphere' && h.hypervisor !== undefined);
    assert.ok(esxi.length >= 1, JSON.stringify(manifest.hosts.map((h) => h.name)));
    for (const h of esxi) {
      assert.match(h.name, /^DC0_C0_H\d$/);
      assert.equal(h.hypervisor?.esxi, '6.5.0');
      assert.equal(typeof h.hypervisor?.cpuModel, 'string');
    }

    const list = await vharness(['vms', 'list', '-i', inventory, '--run', firstRun.run_id, '--json'], tmp);
    assert.equal(list.code, 0, list.stderr);
    const vms = JSON.parse(list.stdout) as ListedVm[];
    const sizes = Object.fromEntries(vms.map((v) => [v.name, [v.vcpus, v.memory_mb]]));
    assert.deepEqual(sizes, { 'vh-1-1': [2, 1024], 'vh-2-1': [1, 1024], 'vh-2-2': [1, 1024], 'vh-3-1': [1, 1024] });
  });

  it('a second run reuses the VMs: no clone', async () => {
    const run = await vharness(['run', join(root, 'configs/ci.yaml'), '-i', inventory, '--only', 'latency,throughput', '--precision', 'fp32', '--no-report'], tmp);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /cloning vh-/);
    assert.match(run.stderr, /reusing vh-1-1/);
    const summary = await summaryOf(run);
    assert.ok(summary.cells.every((c) => c.status === 'completed'));

    // `vms destroy --run` removes what that run used; the first run's remaining VMs go with --all-owned.
    const destroy = await vharness(['vms', 'destroy', '-i', inventory, '--run', summary.run_id], tmp);
    assert.equal(destroy.code, 0, destroy.stderr);
    assert.match(destroy.stderr, /destroying [1-9]\d* VM\(s\) of \S+@\S+ \(\d+\)/, 'destroy says whose VMs it touches');
    assert.match(destroy.stdout, /destroyed [1-9]\d* VM\(s\)/);
    const left = JSON.parse((await vharness(['vms', 'list', '-i', inventory, '--run', summary.run_id, '--json'], tmp)).stdout) as ListedVm[];
    assert.deepEqual(left, []);
    const rest = await vharness(['vms', 'destroy', '-i', inventory, '--all-owned'], tmp);
    assert.equal(rest.code, 0, rest.stderr);
    const none = JSON.parse((await vharness(['vms', 'list', '-i', inventory, '--all-owned', '--json'], tmp)).stdout) as ListedVm[];
    assert.deepEqual(none, []);
  });

  it('Ctrl-C during provisioning leaves every created VM listed, and destroy removes them', async () => {
    const child = spawn(process.execPath, [bin, 'run', join(root, 'configs/ci.yaml'), '-i', inventory, '--only', 'throughput', '--precision', 'fp32', '--no-report'], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let signalled = false;
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!signalled && /cloning vh-2-\d/.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.ok(signalled, stderr);
    assert.equal(code, 130, stderr);
    // Stopped before any cell ran to its end: nothing measured after the signal is stored as completed.
    assert.doesNotMatch(stderr, /\[\d+\/\d+\] throughput\/fp32\/vm\/c2: [\d.]+ img\/s/);
    const client = vcenterClient();
    await client.connect();
    const existing = (await listVms(client)).filter((v) => /^vh-\d/.test(v.name)).map((v) => v.name);
    await client.close();
    assert.ok(existing.length >= 1, 'the interrupted clone exists');
    const listed = JSON.parse((await vharness(['vms', 'list', '-i', inventory, '--all-owned', '--json'], tmp)).stdout) as ListedVm[];
    for (const name of existing) assert.ok(listed.some((v) => v.name === name && v.exists), `${name} is listed`);
    const destroy = await vharness(['vms', 'destroy', '-i', inventory, '--all-owned'], tmp);
    assert.equal(destroy.code, 0, destroy.stderr);
    const after = JSON.parse((await vharness(['vms', 'list', '-i', inventory, '--all-owned', '--json'], tmp)).stdout) as ListedVm[];
    assert.deepEqual(after, []);
  });

  /** An inventory variant of the lab's: `edit` changes its vm section. */
  async function variant(name: string, edit: (vm: Record<string, unknown>) => void): Promise<string> {
    const doc = parse(await readFile(inventory, 'utf8')) as { vm: Record<string, unknown> };
    edit(doc.vm);
    const file = join(tmp, `${name}.yaml`);
    await writeFile(file, stringify(doc));
    return file;
  }

  async function ownedNames(): Promise<string[]> {
    const client = vcenterClient();
    await client.connect();
    const names = (await listVms(client)).filter((v) => /^vh-/.test(v.name) && v.name !== 'vh-template').map((v) => v.name);
    await client.close();
    return names;
  }

  const ci = join(root, 'configs/ci.yaml');
  const noRunDir = async (dir: string): Promise<void> => assert.deepEqual(await readdir(dir).catch(() => []), [], `nothing created in ${dir}`);

  it('a second run while the first holds the VMs refuses with the first run\'s id (exit 7), then proceeds after it', async () => {
    let second: Run | undefined;
    const first = await runCli(['run', ci, '-i', inventory, '--only', 'throughput', '--precision', 'fp32', '--no-report', '--results-dir', join(tmp, 'first')], {
      cwd: tmp,
      onStderr: (text) => {
        // While the first run measures on vh-2-1/vh-2-2, a second run of the same cells starts.
        if (second === undefined && /cloning vh-2-2|reusing vh-2-2/.test(text)) {
          second = { code: -1, signal: null, stdout: '', stderr: '' };
          void runCli(['run', ci, '-i', inventory, '--only', 'throughput', '--precision', 'fp32', '--no-report', '--results-dir', join(tmp, 'second')], { cwd: tmp }).then((r) => (second = r));
        }
      },
    });
    assert.equal(first.code, 0, first.stderr);
    while (second?.code === -1) await new Promise((r) => setTimeout(r, 50));
    assert.ok(second, 'the second run was started');
    assert.equal(second.code, 7, second.stderr);
    assert.match(second.stderr, /VM vh-2-\d is in use by run \d{8}-\d{6}-ci(-\d+)? \(pid \d+ on /);
    await noRunDir(join(tmp, 'second'));
    const summary = await summaryOf(first);
    assert.ok(summary.cells.every((c) => c.status === 'completed'), 'the first run was not disturbed');
    assert.ok(summary.cells.some((c) => c.target === 'vm' && (c.notes ?? []).some((n) => /^VM vh-2-\d: (created|reused|reconfigured)/.test(n))), 'results say per VM how it was provisioned');
  });

  it('plan and run exit 7 on a wrong password, a refused certificate, a dead vCenter; nothing is created', async () => {
    await writeFile(join(tmp, 'wrong-password'), 'not-the-password\n');
    const cases = {
      password: await variant('wrong-password', (vm) => (vm.password = { file: join(tmp, 'wrong-password') })),
      certificate: await variant('wrong-thumbprint', (vm) => {
        delete vm.ca;
        vm.thumbprint = Array(32).fill('AB').join(':');
      }),
      dead: await variant('dead', (vm) => (vm.url = 'https://127.0.0.1:1/sdk')),
    };
    const before = await ownedNames();
    for (const [what, file] of Object.entries(cases)) {
      const plan = await runCli(['plan', ci, '-i', file], { cwd: tmp });
      assert.equal(plan.code, 7, `plan, ${what}: ${plan.stdout}${plan.stderr}`);
      assert.match(plan.stdout, /error: vm: vSphere: /);
      const run = await runCli(['run', ci, '-i', file, '--no-report', '--results-dir', join(tmp, `refused-${what}`)], { cwd: tmp });
      assert.equal(run.code, 7, `run, ${what}: ${run.stderr}`);
      assert.match(run.stderr, /preflight found \d+ error\(s\), nothing was created/);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
      await noRunDir(join(tmp, `refused-${what}`));
    }
    assert.deepEqual(await ownedNames(), before, 'no VM created');
  });

  it('too large a VM: plan exits 7 naming the capacity error, run refuses unless --force', async () => {
    const big = join(tmp, 'big.yaml');
    await writeFile(big, 'name: big\nmodel: { arch: tiny }\nprecisions: [fp32]\nmeasure: { warmup: 1, steps: 2 }\nconfigurations:\n  - { id: 9, vms: 1, vcpus: 48, memoryGB: 360 }\nworkloads:\n  - { kind: throughput, configuration: 9, batch: 1 }\nbaremetal: false\n');
    const plan = await runCli(['plan', big, '-i', inventory], { cwd: tmp });
    assert.equal(plan.code, 7, plan.stdout);
    assert.match(plan.stdout, /error: vm: configuration 9 on \S+: VM vh-9-1 has 48 vCPUs, more than the \d+ logical CPUs/);
    const run = await runCli(['run', big, '-i', inventory, '--no-report', '--results-dir', join(tmp, 'big')], { cwd: tmp });
    assert.equal(run.code, 7, run.stderr);
    assert.match(run.stderr, /vm: configuration 9 on \S+: VM vh-9-1 has 48 vCPUs[\s\S]*--force runs anyway/);
    await noRunDir(join(tmp, 'big'));
    assert.ok(!(await ownedNames()).includes('vh-9-1'), 'no clone of the oversized VM');
  });

  it('a frozen vCenter: one bounded request timeout, then no more calls; exit 7 when no vSphere cell could run', async () => {
    const frozen = await variant('frozen', (vm) => (vm.requestTimeoutMs = 1500));
    process.kill(vcenter.pid, 'SIGSTOP');
    try {
      const plan = await runCli(['plan', ci, '-i', frozen, '--only', 'throughput', '--precision', 'fp32'], { cwd: tmp });
      assert.equal(plan.code, 7, plan.stdout + plan.stderr);
      assert.match(plan.stdout, /no answer within 1500 ms/);
      const run = await runCli(['run', ci, '-i', frozen, '--only', 'throughput,latency', '--precision', 'fp32', '--no-report', '--force', '--results-dir', join(tmp, 'frozen')], { cwd: tmp });
      assert.equal(run.code, 7, run.stderr);
      const after = run.stderr.slice(run.stderr.indexOf('--force: running despite'));
      // Preflight waited once; the run goes on with its providers, so no vSphere cell waits again.
      assert.match(run.stderr, /--force: running despite .*no answer within 1500 ms/);
      const vmFailures = after.split('\n').filter((l) => /\] (latency|throughput)\/fp32\/vm\/\S+: failed: /.test(l));
      assert.equal(vmFailures.length, 2, after);
      for (const line of vmFailures) assert.match(line, /is not asked again in this run: .*no answer within 1500 ms/);
      assert.match(run.stderr, /error: no vm cell could run: /);
      const summary = await summaryOf(run);
      assert.ok(summary.cells.filter((c) => c.target === 'baremetal').every((c) => c.status === 'completed'), 'bare-metal cells still ran');
    } finally {
      process.kill(vcenter.pid, 'SIGCONT');
    }
  });

  function vcenterClient(): VimClient {
    return new VimClient({ url: vcenter.url, user: vcenter.user ?? 'vharness', password: readFileSync(vcenter.passwordFile ?? '', 'utf8').trim(), trust: { kind: 'ca', pem: readFileSync(vcenter.certFile, 'utf8'), file: vcenter.certFile }, log: recordingLogger() });
  }
});

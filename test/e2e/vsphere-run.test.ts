// End to end through vSphere: `vharness run configs/ci.yaml -i <sim inventory>` with VMs cloned
// in the simulated vCenter and reached at real sshd guests (the IP pool is their addresses);
// a second run reuses the VMs (no clones); `vharness vms list` and `vms destroy --run ID`
// leave no owned VM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  function vcenterClient(): VimClient {
    return new VimClient({ url: vcenter.url, user: vcenter.user ?? 'vharness', password: readFileSync(vcenter.passwordFile ?? '', 'utf8').trim(), trust: { kind: 'ca', pem: readFileSync(vcenter.certFile, 'utf8'), file: vcenter.certFile }, log: recordingLogger() });
  }
});

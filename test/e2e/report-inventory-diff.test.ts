// `vharness inventory diff` spawned on real inventory files; --probe reaches this machine
// through the real agent (the local provider) for both labs.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestVcenter, type TestVcenter } from '../harness/vsphere/vcsim-fixture.js';
import { runCli, type CliRun } from '../cli-process.js';


const vharness = (args: string[]): Promise<CliRun> => runCli(args);

const sshLab = (name: string, address: string, extra = '') => `name: ${name}
vm:
  provider: local
baremetal:
  provider: ssh
  hosts:
    - name: bm1
      address: ${address}
      user: root
      key: { env: VH_TEST_KEY_${name.toUpperCase()} }
${extra}`;

describe('vharness inventory diff', { timeout: 60_000 }, () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vh-invdiff-'));
    await writeFile(join(tmp, 'a.yaml'), sshLab('laba', '127.0.0.21'));
    await writeFile(join(tmp, 'b.yaml'), sshLab('labb', '127.0.0.22', '    - { name: bm2, address: 127.0.0.23, user: bench, key: { env: X } }\n'));
    await writeFile(join(tmp, 'l1.yaml'), 'name: here\n');
    await writeFile(join(tmp, 'l2.yaml'), 'name: there\nvm:\n  provider: local\n  memoryLimits: false\n');
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('lists the differences by section, secrets only by name', async () => {
    const r = await vharness(['inventory', 'diff', join(tmp, 'a.yaml'), join(tmp, 'b.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bare-metal hosts +│ baremetal\.hosts\[bm1\]\.address +│ 127\.0\.0\.21 +│ 127\.0\.0\.22/);
    assert.match(r.stdout, /baremetal\.hosts\[bm1\]\.key +│ env:VH_TEST_KEY_LABA +│ env:VH_TEST_KEY_LABB/);
    assert.match(r.stdout, /baremetal\.hosts\[bm2\] +│ \(not set\) +│ bench@127\.0\.0\.23:22/);
    const json = JSON.parse((await vharness(['inventory', 'diff', join(tmp, 'a.yaml'), join(tmp, 'b.yaml'), '--json'])).stdout) as { differences: { path: string }[] };
    assert.deepEqual(json.differences.map((d) => d.path), ['name', 'baremetal.hosts[bm1].address', 'baremetal.hosts[bm1].key', 'baremetal.hosts[bm2]']);
  });

  test('--probe shows both labs\' live facts and the rules that matter', async () => {
    const r = await vharness(['inventory', 'diff', join(tmp, 'l1.yaml'), join(tmp, 'l2.yaml'), '--probe', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { differences: { path: string; a: string; b: string }[]; labs: { name: string; hosts: { status: string; sysinfo?: { threads: number; cpuModel: string } }[] }[]; findings: { message: string }[] };
    assert.deepEqual(json.differences.map((d) => d.path).sort(), ['name', 'vm.local.memoryLimits']);
    assert.deepEqual(json.labs.map((l) => l.name), ['A:here', 'B:there']);
    for (const lab of json.labs) {
      assert.equal(lab.hosts[0]?.status, 'ok');
      assert.ok((lab.hosts[0]?.sysinfo?.threads ?? 0) >= 1);
    }
    assert.equal(json.labs[0]?.hosts[0]?.sysinfo?.cpuModel, json.labs[1]?.hosts[0]?.sysinfo?.cpuModel);
    assert.ok(!json.findings.some((f) => /different CPU models/.test(f.message)), 'same machine, same CPU');
    const text = await vharness(['inventory', 'diff', join(tmp, 'l1.yaml'), join(tmp, 'l2.yaml'), '--probe']);
    assert.match(text.stdout, /Deployed by --probe: nothing \(no SSH host probed\)/, 'the probe says what it put on hosts');
  });

  test('usage errors', async () => {
    const r = await vharness(['inventory', 'diff', join(tmp, 'a.yaml')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Expected two inventory files/);
    const s = await vharness(['inventory', 'show']);
    assert.match(s.stderr, /unknown inventory subcommand 'show'/);
    const bad = await vharness(['inventory', 'diff', join(tmp, 'a.yaml'), join(tmp, 'missing.yaml')]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /missing\.yaml/);
  });
});

describe('vharness inventory diff --probe on a vSphere lab', { timeout: 180_000 }, () => {
  let tmp: string;
  let vc: TestVcenter;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vh-invdiff-vc-'));
    vc = await startTestVcenter({ user: 'vharness', password: 'sim-password' });
    await writeFile(join(tmp, 'password'), 'sim-password', { mode: 0o600 });
    await writeFile(
      join(tmp, 'vsphere.yaml'),
      `name: simlab
vm:
  provider: vsphere
  url: ${vc.state.url}
  user: vharness
  password: { file: ${join(tmp, 'password')} }
  ca: ${vc.state.certFile}
  template: ${vc.state.template}
  ipPool: { cidr: 127.0.0.0/8, addresses: [127.0.0.11] }
  guest: { user: root }
baremetal:
  provider: local
`,
    );
    await writeFile(join(tmp, 'local.yaml'), 'name: here\n');
  });
  after(async () => {
    await vc?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  test('ESXi hosts read from vCenter stand beside the local machine; different CPUs are called out', async () => {
    const r = await vharness(['inventory', 'diff', join(tmp, 'vsphere.yaml'), join(tmp, 'local.yaml'), '--probe', '--json']);
    assert.equal(r.code, 3, `an ERROR finding is exit 3 (README)\n${r.stderr}`);
    assert.doesNotMatch(r.stdout + r.stderr, /sim-password/, 'the password never shows');
    const json = JSON.parse(r.stdout) as {
      differences: { path: string; a?: string }[];
      labs: { name: string; esxi: { status: string; hosts?: { name: string; esxi: string; cpuModel: string; threads: number }[] } }[];
      findings: { level: string; message: string }[];
    };
    assert.equal(json.differences.find((d) => d.path === 'vm.vsphere.password')?.a, `file:${join(tmp, 'password')}`);
    const esxi = json.labs[0]?.esxi;
    assert.equal(esxi?.status, 'ok');
    assert.equal(esxi?.hosts?.length, 4, 'the simulator has four ESXi hosts');
    assert.ok(esxi?.hosts?.every((h) => h.esxi !== '' && h.threads > 0));
    assert.equal(json.labs[1]?.esxi.status, 'none');
    const cpu = esxi?.hosts?.[0]?.cpuModel ?? '';
    assert.ok(json.findings.some((f) => f.level === 'error' && f.message.startsWith('A:simlab: VM hosts (') && f.message.includes(cpu)), JSON.stringify(json.findings));
    const text = await vharness(['inventory', 'diff', join(tmp, 'vsphere.yaml'), join(tmp, 'local.yaml'), '--probe']);
    assert.match(text.stdout, /ESXi host/);
    assert.match(text.stdout, /What matters for the workloads:\nERROR: A:simlab: VM hosts/);
    assert.equal(text.code, 3);
  });
});

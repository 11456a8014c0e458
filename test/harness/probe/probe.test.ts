// `vharness probe` spawned as a user runs it: SSH guests (one without node, so it gets the
// bundled runtime) and an unreachable host as data in the table, and this machine locally.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { ProbedHost } from '../../../harness/probe/probe.js';
import { startTestLab, type TestLab } from '../../lab/ssh-lab-fixture.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../../../bin/vharness.js', import.meta.url));

async function probe(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'probe', ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let lab: TestLab;
before(async () => {
  lab = await startTestLab(2, [2]);
});
after(async () => {
  await lab?.stop();
});

test('probe --json: facts of every SSH guest; the one without node runs the bundled node', async () => {
  const result = await probe(['-i', lab.state.inventory, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const hosts = JSON.parse(result.stdout) as ProbedHost[];
  assert.deepEqual(hosts.map((h) => [h.name, h.roles, h.provider, h.status]), [
    ['guest-1', ['vm'], 'ssh', 'ok'],
    ['guest-2', ['baremetal'], 'ssh', 'ok'],
  ]);
  for (const host of hosts) {
    assert.ok(host.sysinfo && host.sysinfo.cpuModel.length > 0 && host.sysinfo.threads >= 1 && host.sysinfo.memoryBytes > 0);
    assert.equal(typeof host.sysinfo.flags.avx512_vnni, 'boolean');
  }
  assert.deepEqual(hosts.map((h) => h.node), ['system', 'bundled']);
  assert.equal(hosts[1]?.sysinfo?.nodeVersion, process.versions.node);
});

test('probe table: an unreachable host is a row with its error and exit code 6', async () => {
  const inventory = parse(await readFile(lab.state.inventory, 'utf8')) as { vm: { hosts: Record<string, unknown>[] }; ssh: Record<string, unknown> };
  const [first] = inventory.vm.hosts;
  assert.ok(first);
  inventory.vm.hosts.push({ ...first, name: 'nobody', port: 1 });
  inventory.ssh.retries = 1;
  const file = join(lab.dir, 'with-dead-host.yaml');
  await writeFile(file, stringify(inventory));
  const result = await probe(['-i', file]);
  assert.equal(result.code, 6, result.stderr);
  assert.match(result.stdout, /CPU model.*virtualized.*limits/);
  assert.match(result.stdout, /guest-1/);
  assert.match(result.stdout, /nobody/);
  assert.match(result.stdout, /failed: nobody: cannot connect to root@127\.0\.0\.11:1: .*ECONNREFUSED/);
  assert.match(result.stderr, /error: nobody: cannot connect/);
});

test('probe without -i: this machine through a local agent', async () => {
  const result = await probe(['--json']);
  assert.equal(result.code, 0, result.stderr);
  const hosts = JSON.parse(result.stdout) as ProbedHost[];
  assert.equal(hosts.length, 1);
  assert.deepEqual([hosts[0]?.name, hosts[0]?.roles, hosts[0]?.status], ['local', ['vm', 'baremetal'], 'ok']);
  assert.equal(hosts[0]?.sysinfo?.nodeVersion, process.versions.node);
});

// `vharness lab up | status | down` through the CLI: guests reachable with the written
// inventory, then nothing left behind (outer and inner pids, a detached session process,
// the lab directory).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../harness/config/load.js';
import { processAlive } from '../../harness/lab/guests.js';
import type { LabState } from '../../harness/lab/state.js';
import { connectSsh } from '../../harness/transport/ssh-connect.js';
import { recordingLogger } from './ssh-lab-fixture.js';
import { runCli, type CliRun } from '../cli-process.js';


const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = (args: string[]): Promise<CliRun> => runCli(args, { timeoutMs: 60_000 });

/** Host pids whose command line contains `needle`. */
async function pidsWithCmdline(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.replace(/\0/g, ' ').includes(needle)) pids.push(Number(entry));
  }
  return pids;
}

test('lab up writes a working inventory; lab down leaves no process, mount or file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'vharness-labcli-'));
  const dir = join(root, 'lab');
  try {
    const up = await cli(['lab', 'up', '--guests', '2', '--dir', dir]);
    assert.equal(up.code, 0, up.stderr);
    const inventoryFile = up.stdout.trim();
    assert.equal(inventoryFile, join(dir, 'inventory.yaml'));
    const state = JSON.parse(await readFile(join(dir, 'lab.json'), 'utf8')) as LabState;
    assert.equal(state.guests.length, 2);
    assert.deepEqual(state.guests.map((g) => g.address), ['127.0.0.11', '127.0.0.12']);
    for (const g of state.guests) {
      assert.ok(await processAlive(g.pid), `${g.name} outer pid ${g.pid} runs`);
      assert.ok(g.innerPid !== null && (await processAlive(g.innerPid)), `${g.name} sshd runs`);
    }

    const inventory = await loadInventory(inventoryFile);
    assert.equal(inventory.vm.provider, 'ssh');
    assert.equal(inventory.baremetal.provider, 'ssh');
    const host = inventory.vm.provider === 'ssh' ? inventory.vm.hosts[0] : undefined;
    assert.ok(host);
    // a session process that detaches (setsid) must still die with the guest
    const connection = await connectSsh(host, inventory.ssh, recordingLogger());
    await connection.run('setsid sleep 7654321 </dev/null >/dev/null 2>&1 &');
    await connection.close();
    const sleepers = await pidsWithCmdline('sleep 7654321');
    assert.equal(sleepers.length, 1, 'the detached session process runs');

    // A second `up` on a lab that is up changes nothing and says so (exit 2, README).
    const twice = await cli(['lab', 'up', '--guests', '2', '--dir', dir]);
    assert.equal(twice.code, 2, twice.stderr);
    assert.match(twice.stderr, /a lab is already up in .*\nhint: run 'vharness lab down/);
    assert.doesNotMatch(twice.stderr, /\n\s+at /, 'no stack trace');

    const status = await cli(['lab', 'status', '--dir', dir]);
    assert.equal(status.code, 0);
    assert.match(status.stdout, /guest-1 +127\.0\.0\.11:\d+ +pid \d+ +up/);

    const down = await cli(['lab', 'down', '--dir', dir]);
    assert.equal(down.code, 0, down.stderr);
    for (const g of state.guests) {
      assert.ok(!(await processAlive(g.pid)), `${g.name} outer pid gone`);
      if (g.innerPid !== null) assert.ok(!(await processAlive(g.innerPid)), `${g.name} sshd gone`);
    }
    for (const pid of sleepers) assert.ok(!(await processAlive(pid)), 'the detached session process is gone');
    await assert.rejects(stat(dir), /ENOENT/);
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    assert.ok(!mounts.includes('vharness-lab'), 'no lab mount visible here');
    const again = await cli(['lab', 'status', '--dir', dir]);
    assert.equal(again.code, 2, 'status without a lab is exit 2 (README)');
    assert.match(again.stderr, /no lab in /);
  } finally {
    await cli(['lab', 'down', '--dir', dir]);
    await rm(root, { recursive: true, force: true });
  }
});

test('lab usage errors: unknown action, bad --guests, --no-node out of range', async () => {
  const bad = await cli(['lab', 'sideways']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown lab subcommand 'sideways'/);
  const guests = await cli(['lab', 'up', '--guests', '0', '--dir', join(tmpdir(), 'vharness-never')]);
  assert.equal(guests.code, 2);
  assert.match(guests.stderr, /--guests/);
  const noNode = await cli(['lab', 'up', '--guests', '2', '--no-node', '3', '--dir', join(tmpdir(), 'vharness-never')]);
  assert.equal(noNode.code, 2);
  assert.match(noNode.stderr, /--no-node/);
  await assert.rejects(stat(join(tmpdir(), 'vharness-never')), /ENOENT/);
});

test('lab up --vcenter models the study\'s server: 9 guests, 2 hosts x 96 CPUs; plan shows where Table 3 goes', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'vharness-labvc-'));
  const dir = join(tmp, 'lab');
  try {
    const up = await cli(['lab', 'up', '--vcenter', '--hosts', '2', '--host-cpus', '96', '--host-sockets', '2', '--host-memory-gb', '768', '--dir', dir]);
    assert.equal(up.code, 0, up.stderr);
    const state = JSON.parse(await readFile(join(dir, 'lab.json'), 'utf8')) as LabState;
    assert.equal(state.guests.length, 9, 'Table 3\'s largest configuration (8 VMs) plus the bare-metal host');
    assert.deepEqual(state.vcenter?.hosts, { count: 2, cpus: 96, cores: 48, sockets: 2, memoryBytes: 768 * 2 ** 30 });
    const inventory = await loadInventory(join(dir, 'vsphere.yaml'));
    assert.equal(inventory.vm.provider === 'vsphere' ? inventory.vm.vsphere.ipPool.addresses.length : 0, 8);

    const plan = await cli(['plan', join(root, 'configs/table3.yaml'), '-i', join(dir, 'vsphere.yaml')]);
    assert.match(plan.stdout, /configuration 10 fits \(placement spread; DC0_C0_H0: 4 VM\(s\), (48|49|50)\/96 CPUs/, plan.stdout + plan.stderr);
    // The per-host table names each VM of a configuration on its host.
    assert.match(plan.stdout, /DC0_C0_H[01] +\S? *vh-10-\d vh-10-\d vh-10-\d vh-10-\d/, plan.stdout);
  } finally {
    await cli(['lab', 'down', '--dir', dir]);
    await rm(tmp, { recursive: true, force: true });
  }
});

test('host size flags need --vcenter and sane values', async () => {
  const never = join(tmpdir(), 'vharness-never');
  const alone = await cli(['lab', 'up', '--host-cpus', '96', '--dir', never]);
  assert.equal(alone.code, 2);
  assert.match(alone.stderr, /--host-cpus sizes the simulated ESXi hosts; it needs --vcenter/);
  const odd = await cli(['lab', 'up', '--vcenter', '--host-cpus', '6', '--host-sockets', '4', '--dir', never]);
  assert.equal(odd.code, 2);
  assert.match(odd.stderr, /sockets <= cores <= CPUs/);
  await assert.rejects(stat(never), /ENOENT/);
});

// End to end through SSH: `vharness run configs/ci.yaml -i <lab inventory>` against three real
// sshd guests (two "VMs", one bare-metal host), a second run that deploys nothing, and a
// guest killed during a run: that cell fails with the reason, the others are kept, the run
// ends, and `--resume` completes it once the guest is back.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stopGuest } from '../../harness/lab/guests.js';
import { findFreePort } from '../../harness/lab/free-port.js';
import { guestAddress, labDown, labRestartGuest, labUp } from '../../harness/lab/lab.js';
import type { LabState } from '../../harness/lab/state.js';
import type { RunSummary } from '../../harness/results/types.js';
import { recordingLogger } from '../lab/ssh-lab-fixture.js';
import { runCli, resultsDirOf as resultsDir, type CliRun as Run } from '../cli-process.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const vharness = (args: string[], cwd: string): Promise<Run> => runCli(args, { cwd });

async function summaryOf(dir: string): Promise<RunSummary> {
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
}

/** Whether some process runs the deployed agent from under `dir`. */
async function agentRunsUnder(dir: string): Promise<boolean> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('agent.mjs') && cmdline.includes(dir)) return true;
  }
  return false;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('vharness run over SSH against three sshd guests', () => {
  let tmp: string;
  let lab: LabState;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vharness-ssh-e2e-'));
    const port = await findFreePort([0, 1, 2].map(guestAddress));
    lab = await labUp({ dir: join(tmp, 'lab'), guests: 3, withoutNode: [], port }, recordingLogger());
  });
  after(async () => {
    if (lab) await labDown(lab.dir, recordingLogger());
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('runs configs/ci.yaml end to end; results shaped like the local run', async () => {
    const run = await vharness(['run', join(root, 'configs/ci.yaml'), '-i', lab.inventory, '--results-dir', join(tmp, 'results'), '--no-report'], tmp);
    assert.equal(run.code, 0, run.stderr);
    for (const name of ['guest-1', 'guest-2', 'guest-3']) {
      assert.match(run.stderr, new RegExp(`${name}: agent bundle [0-9a-f]{12} uploaded: \\d+ files`), `cold deploy to ${name}`);
    }
    const summary = await summaryOf(resultsDir(run));
    assert.equal(summary.cells.length, 20);
    for (const c of summary.cells) {
      assert.equal(c.status, 'completed', `${c.key}: ${c.status === 'failed' ? c.error : ''}`);
      assert.ok(c.status === 'completed' && c.throughput_ips.mean > 0, `${c.key} throughput`);
      assert.ok(c.latency_ms && c.latency_ms.p50 <= c.latency_ms.p99, c.key);
      assert.equal(c.per_instance.length, c.instances, c.key);
      const hosts = new Set(c.per_instance.map((i) => i.host));
      if (c.target === 'baremetal') assert.deepEqual([...hosts], ['guest-3'], `${c.key} runs on the bare-metal guest`);
      else assert.ok([...hosts].every((h) => h === 'guest-1' || h === 'guest-2'), `${c.key} runs on the VM guests`);
      for (const i of c.per_instance) assert.ok((i.peak_rss_bytes ?? 0) > 0, `${c.key} ${i.name} peak RSS`);
    }
    const twoVms = summary.cells.find((c) => c.key === 'throughput/fp32/vm/c2');
    assert.deepEqual(twoVms?.per_instance.map((i) => i.host).sort(), ['guest-1', 'guest-2'], 'one instance per VM');
  });

  it('a second run deploys nothing: 0 bytes uploaded, and the output says so', async () => {
    const run = await vharness(['run', join(root, 'configs/ci.yaml'), '-i', lab.inventory, '--only', 'latency,throughput', '--precision', 'fp32', '--results-dir', join(tmp, 'results'), '--no-report'], tmp);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /uploaded: \d+ files?/);
    for (const name of ['guest-1', 'guest-2', 'guest-3']) {
      assert.ok(run.stderr.includes(`${name}: agent deployed (0 B moved)`), `${name} warm deploy:\n${run.stderr}`);
      assert.match(run.stderr, new RegExp(`${name}: agent bundle [0-9a-f]{12} already deployed, 0 bytes uploaded`));
    }
  });

  it('inventory diff --probe says what it put on each SSH host (here: nothing new, the bundle is in place)', async () => {
    const local = join(tmp, 'local.yaml');
    await writeFile(local, 'name: here\n');
    const r = await vharness(['inventory', 'diff', lab.inventory, local, '--probe'], tmp);
    assert.ok(r.code === 0 || r.code === 3, r.stderr);
    for (const name of ['guest-1', 'guest-2', 'guest-3']) {
      assert.match(r.stdout, new RegExp(`Deployed by --probe:\\n(.*\\n)*  A:[^:]+: ${name} \\(root@127\\.0\\.0\\.\\d+:\\d+\\): agent bundle in place, 0 bytes uploaded now`));
    }
  });

  it('a guest killed during a run fails only its cell, with the reason; --resume completes it', async () => {
    const config = join(tmp, 'kill.yaml');
    await writeFile(
      config,
      [
        'name: ssh-kill',
        'model: { arch: tiny, seed: 1 }',
        'precisions: [fp32]',
        'baremetal: false',
        'measure: { warmup: 2, steps: 10 }',
        'startLeadMs: 200',
        'configurations:',
        '  - { id: 1, vms: 1, vcpus: 1, memoryGB: 1 }',
        '  - { id: 2, vms: 2, vcpus: 1, memoryGB: 1 }',
        'workloads:',
        '  - kind: latency',
        '    configuration: 1',
        '    threads: [1]',
        '    probe: { warmup: 1, steps: 4 }',
        '  - kind: throughput',
        '    configuration: 2',
        '    batch: 1',
        '    measure: { warmup: 2, steps: 10, durationMs: 6000 }',
        '',
      ].join('\n'),
    );
    const victim = lab.guests[1];
    assert.ok(victim);
    const running = vharness(['run', config, '-i', lab.inventory, '--results-dir', join(tmp, 'results'), '--no-report'], tmp);
    // The throughput cell is the only one using guest-2: kill it once its agent runs.
    await until('an agent on guest-2', () => agentRunsUnder(victim.remoteDir));
    await new Promise((r) => setTimeout(r, 1500));
    await stopGuest(victim);
    const run = await running;
    assert.equal(run.code, 8, `exit 8: some cells failed\n${run.stderr}`);
    const dir = resultsDir(run);
    const summary = await summaryOf(dir);
    const latency = summary.cells.find((c) => c.workload === 'latency');
    const throughput = summary.cells.find((c) => c.workload === 'throughput');
    assert.equal(latency?.status, 'completed', 'the cell on guest-1 alone is kept');
    assert.equal(throughput?.status, 'failed');
    assert.match(throughput?.error ?? '', /guest-2/);
    assert.match(throughput?.error ?? '', /connection closed by the host|connection lost/);

    await labRestartGuest(lab.dir, victim.name);
    const resumed = await vharness(['run', config, '-i', lab.inventory, '--results-dir', join(tmp, 'results'), '--no-report', '--resume', dir], tmp);
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = await summaryOf(dir);
    assert.deepEqual(after.cells.map((c) => [c.workload, c.status]), [
      ['latency', 'completed'],
      ['throughput', 'completed'],
    ]);
    await stat(join(dir, 'summary.json'));
  });
});

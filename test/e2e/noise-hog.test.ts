// A CPU hog (a process this test starts, pinned to the cell's CPUs, killed by pid) runs during
// one trial of the VM cell of a real local run: that cell comes out NOISY with its reason in
// words, and every comparison touching it is inconclusive. Other cells are not asserted clean:
// the machine is shared.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig, loadInventory } from '../../harness/config/load.js';
import { silentLogger } from '../../harness/log.js';
import { expandCells } from '../../harness/plan/expand.js';
import { runMatrix, type TrialEvent } from '../../harness/run/run-matrix.js';

const tmp = mkdtempSync(join(tmpdir(), 'vharness-hog-'));
let hog: ChildProcess | undefined;

function stopHog(): Promise<void> {
  const h = hog;
  hog = undefined;
  if (!h || h.exitCode !== null || h.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    h.once('exit', () => resolve());
    process.kill(h.pid as number, 'SIGKILL');
  });
}

after(async () => {
  await stopHog();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a CPU hog during one trial', { timeout: 300_000 }, () => {
  it('makes that cell NOISY with its reason, and every comparison touching it inconclusive', async () => {
    const file = join(tmp, 'hog.yaml');
    writeFileSync(
      file,
      [
        'name: hog',
        'model: { arch: tiny }',
        'precisions: [fp32]',
        'startLeadMs: 200',
        'measure: { warmup: 2, steps: 10, durationMs: 1500, repeats: 3 }',
        'configurations:',
        '  - { id: 1, vms: 1, vcpus: 1, memoryGB: 1 }',
        'workloads:',
        '  - { kind: throughput, configuration: 1, batch: 4, threads: 1 }',
      ].join('\n'),
    );
    const config = await loadConfig(file);
    const inventory = await loadInventory(undefined);
    const cells = expandCells(config);
    const vmKey = 'throughput/fp32/vm/c1';
    let hogged: number[] | undefined;
    const onTrial = async (e: TrialEvent): Promise<void> => {
      if (e.cell.key !== vmKey || e.trial !== 1) return;
      if (e.phase === 'end') return stopHog();
      assert.ok(e.cpus.length > 0, 'the local VM is pinned');
      hogged = e.cpus;
      hog = spawn('taskset', ['-c', e.cpus.join(','), process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' });
      // Let the hog get on the CPU before the synchronized start.
      await new Promise((r) => setTimeout(r, 100));
    };
    const result = await runMatrix({ config, inventory, cells, resultsDir: join(tmp, 'results'), log: silentLogger, command: ['test'], onTrial });
    assert.ok(hogged, 'the hog ran during trial 2 of the VM cell');
    const vm = result.summary.cells.find((c) => c.key === vmKey);
    assert.equal(vm?.status, 'completed');
    if (vm?.status !== 'completed') return;
    assert.equal(vm.validity, 'noisy', JSON.stringify(vm.reasons));
    assert.ok(
      vm.noise.some((f) => f.reason.startsWith('trial 2: ') || f.signal === 'trial_spread'),
      `a reason names the hogged trial or the spread it caused: ${vm.reasons.join('; ')}`,
    );
    assert.ok(vm.reasons.every((r) => /[a-z] /.test(r) && !/^[a-z_]+$/.test(r)), 'reasons are words, not codes');
    const touching = result.summary.comparisons.filter((c) => c.a === vmKey || c.b === vmKey);
    assert.ok(touching.length >= 1, 'VM vs bare metal compares the hogged cell');
    for (const c of touching) {
      assert.equal(c.verdict, 'inconclusive', c.reason);
      assert.match(c.reason, /^inconclusive: the VM cell is noisy \(/);
    }
  });
});

// SIGINT/SIGTERM in each phase of a local run (model preparation, provisioning, staging, agent
// start, thread tuning, trials): the run ends with 130/143 before the next phase or cell begins,
// stores nothing measured after the signal as completed, and leaves no agent process; a
// second Ctrl-C ends it at once. Phases are read from VHARNESS_DEBUG's `phase:` lines.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunSummary } from '../../harness/results/types.js';
import { runCli, repoRoot, type CliRun } from '../cli-process.js';

const ci = join(repoRoot, 'configs/ci.yaml');

/** Agent processes whose command line carries `marker` (the run's results dir is in no agent's argv, so the cwd is used). */
async function agentsIn(cwd: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes('agent')) continue;
    const dir = await import('node:fs/promises').then((fs) => fs.readlink(`/proc/${entry}/cwd`)).catch(() => '');
    if (dir === cwd) pids.push(Number(entry));
  }
  return pids;
}

/** Agents still running in `cwd` once they had the time to see their input close (they exit on EOF after the batch in flight). */
async function agentsLeft(cwd: string): Promise<number[]> {
  for (let i = 0; i < 100; i++) {
    const pids = await agentsIn(cwd);
    if (pids.length === 0) return pids;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return agentsIn(cwd);
}

describe('interrupting a local run in each phase', () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vharness-interrupts-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  interface Interrupted {
    run: CliRun;
    /** stderr up to the signal. */
    before: string;
    signalledAt: number;
    results: string;
  }

  async function interruptAt(name: string, phase: RegExp, args: string[], signal: NodeJS.Signals = 'SIGINT', env: NodeJS.ProcessEnv = {}): Promise<Interrupted> {
    const results = join(tmp, name);
    let before = '';
    let signalledAt = 0;
    const run = await runCli(['run', ci, '--results-dir', results, '--no-report', ...args], {
      cwd: tmp,
      env: { ...process.env, VHARNESS_DEBUG: '1', VHARNESS_STATE_DIR: join(tmp, 'state'), ...env },
      timeoutMs: 300_000,
      onStderr: (text, child) => {
        if (signalledAt === 0 && phase.test(text)) {
          signalledAt = Date.now();
          before = text;
          child.kill(signal);
        }
      },
    });
    assert.ok(signalledAt > 0, `the phase ${phase} was reached:\n${run.stderr}`);
    return { run, before, signalledAt, results };
  }

  /** Every run directory's summary: no completed cell finished after the signal. */
  async function assertNothingCompletedAfter(i: Interrupted): Promise<RunSummary[]> {
    const summaries: RunSummary[] = [];
    for (const id of await readdir(i.results).catch(() => [])) {
      const summary = JSON.parse(await readFile(join(i.results, id, 'summary.json'), 'utf8')) as RunSummary;
      summaries.push(summary);
      const cells = await readdir(join(i.results, id, 'cells'));
      for (const name of cells) {
        const record = JSON.parse(await readFile(join(i.results, id, 'cells', name), 'utf8')) as { key: string; finished_at: string; summary: { status: string; error?: string } };
        if (record.summary.status === 'completed') assert.ok(Date.parse(record.finished_at) <= i.signalledAt, `${record.key} completed after the signal`);
      }
    }
    return summaries;
  }

  /** The lines logged after the signal name no later phase than `last` of the cell it hit. */
  function phasesAfter(i: Interrupted): string[] {
    return i.run.stderr.slice(i.before.length).split('\n').filter((l) => l.startsWith('debug: phase: ') && !/: stop agents$/.test(l));
  }

  it('during model preparation (int8 calibration): exit 130, no run directory created', async () => {
    const i = await interruptAt('model', /debug: phase: model int8/, ['--only', 'latency'], 'SIGINT', { VHARNESS_CACHE: join(tmp, 'fresh-cache') });
    assert.equal(i.run.code, 130, i.run.stderr);
    assert.deepEqual(phasesAfter(i), [], 'no cell phase began after the signal');
    assert.deepEqual(await readdir(i.results).catch(() => []), [], 'stopped before the run directory was created');
  });

  it('during provisioning and agent start: exit 143 on SIGTERM, the cell is stored as interrupted', async () => {
    const i = await interruptAt('acquire', /debug: phase: latency\/fp32\/vm\/c1: start agents/, ['--only', 'latency', '--precision', 'fp32'], 'SIGTERM');
    assert.equal(i.run.code, 143, i.run.stderr);
    assert.deepEqual(phasesAfter(i), []);
    const [summary] = await assertNothingCompletedAfter(i);
    const cell = summary?.cells.find((c) => c.key === 'latency/fp32/vm/c1');
    assert.equal(cell?.status === 'failed' ? cell.error : cell?.status, 'interrupted');
    assert.equal(summary?.cells.some((c) => c.status === 'completed'), false);
    assert.deepEqual(await agentsIn(tmp), [], 'no agent left running');
  });

  it('during thread tuning: exit 130 before the tuned run and before the next cell', async () => {
    const i = await interruptAt('tuning', /debug: phase: latency\/fp32\/vm\/c1: thread probe 1/, ['--only', 'latency', '--precision', 'fp32']);
    assert.equal(i.run.code, 130, i.run.stderr);
    assert.deepEqual(phasesAfter(i).filter((l) => !/thread probe 1|warmup|run |load/.test(l)), [], 'no later probe, tuned run or cell');
    assert.doesNotMatch(i.run.stderr.slice(i.before.length), /\[2\/\d+\]/, 'the next cell never started');
    const [summary] = await assertNothingCompletedAfter(i);
    assert.equal(summary?.cells.filter((c) => c.status === 'completed').length, 0);
  });

  it('during the trials: the trials finished before the signal are kept, nothing after it', async () => {
    // Trials are interleaved (VM 1, bare metal 1, bare metal 2, VM 2, ...): the signal hits bare metal's first.
    const i = await interruptAt('trials', /debug: phase: throughput\/fp32\/baremetal\/[^:]+: (warmup|run|measure)/, ['--only', 'throughput', '--precision', 'fp32']);
    assert.equal(i.run.code, 130, i.run.stderr);
    const [summary] = await assertNothingCompletedAfter(i);
    const vm = summary?.cells.find((c) => c.key.startsWith('throughput/fp32/vm'));
    const bm = summary?.cells.find((c) => c.key.startsWith('throughput/fp32/baremetal'));
    assert.equal(vm?.trials.filter((t) => t.status === 'completed').length, 1, 'the VM trial before the signal is kept');
    assert.equal(vm?.status, 'failed', 'one of three trials is not a completed cell');
    assert.equal(vm?.status === 'failed' ? vm.error : '', 'interrupted after 1 of 3 trials');
    assert.equal(bm?.trials.filter((t) => t.status === 'completed').length, 0, 'the interrupted trial is not stored as completed');
    assert.deepEqual(await agentsIn(tmp), [], 'no agent left running');
  });

  it('a second Ctrl-C ends the run at once', async () => {
    const results = join(tmp, 'twice');
    let sent = 0;
    const run = await runCli(['run', ci, '--results-dir', results, '--no-report', '--only', 'latency', '--precision', 'fp32'], {
      cwd: tmp,
      env: { ...process.env, VHARNESS_DEBUG: '1', VHARNESS_STATE_DIR: join(tmp, 'state') },
      timeoutMs: 300_000,
      onStderr: (text, child) => {
        if (sent === 0 && /debug: phase: latency\/fp32\/vm\/c1: thread probe/.test(text)) {
          sent = 1;
          child.kill('SIGINT');
        } else if (sent === 1 && /SIGINT: stopping every phase/.test(text)) {
          sent = 2;
          child.kill('SIGINT');
        }
      },
    });
    assert.equal(sent, 2, run.stderr);
    assert.match(run.stderr, /SIGINT again: stopping now/);
    // The second signal takes its default action: the process dies of SIGINT (a shell's $? is 130).
    assert.equal(run.signal, 'SIGINT', run.stderr);
    assert.doesNotMatch(run.stderr.split('SIGINT again')[1] ?? '', /phase:/, 'nothing ran after the second signal');
    // The controller died at once: its agents end on their own when their input closes.
    assert.deepEqual(await agentsLeft(tmp), [], 'no agent left running');
  });
});

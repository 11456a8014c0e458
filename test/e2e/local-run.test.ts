// End to end on the embedded default: `vharness run configs/ci.yaml` (tiny model) into a
// temporary results directory, then --resume, then an interrupted run resumed to the end.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CellRecord } from '../../harness/results/cell-record.js';
import { cellFileName } from '../../harness/results/run-store.js';
import type { RunManifest, RunSummary } from '../../harness/results/types.js';
import { runCli, resultsDirOf as resultsDir, type CliOptions, type CliRun as Run } from '../cli-process.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const vharness = (args: string[], onStderr?: CliOptions['onStderr']): Promise<Run> => runCli(args, onStderr ? { cwd: tmp, onStderr } : { cwd: tmp });
const tmp = mkdtempSync(join(tmpdir(), 'vharness-e2e-'));
const cgroupParent = '/sys/fs/cgroup/memory/vharness';
after(() => rmSync(tmp, { recursive: true, force: true }));

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('vharness run configs/ci.yaml on this machine', () => {
  let first: Run;
  let dir: string;
  before(async () => {
    first = await vharness(['run', join(root, 'configs/ci.yaml'), '--results-dir', join(tmp, 'results'), '--no-report']);
    dir = resultsDir(first);
  });

  it('exits 0 and prints the paper-shaped tables', () => {
    assert.equal(first.code, 0, first.stderr);
    for (const title of ['Single image latency', 'Large batch throughput', 'Throughput scaling', 'Multistream throughput', 'int8 vs fp32']) {
      assert.ok(first.stdout.includes(title), `table '${title}'`);
    }
    assert.match(first.stdout, /† local provider: these "VMs" are CPU partitions of one machine/, 'the local caveat under the VM vs bare metal ratios');
  });

  it('writes a summary where every cell completed with sane figures', () => {
    const summary = readJson<RunSummary>(join(dir, 'summary.json'));
    assert.equal(summary.cells.length, 20);
    const kinds = new Set(summary.cells.map((c) => `${c.workload}/${c.precision}/${c.target}`));
    assert.equal(kinds.size, 16, 'four workloads x two precisions x two targets');
    for (const c of summary.cells) {
      assert.equal(c.status, 'completed', `${c.key}: ${c.status === 'failed' ? c.error : ''}`);
      if (c.status !== 'completed') continue;
      assert.ok(['valid', 'invalid', 'noisy'].includes(c.validity));
      assert.equal(c.validity === 'valid', c.reasons.length === 0, `${c.key}: reasons in words exactly when not valid`);
      assert.ok(c.threads >= 1 && c.batch >= 1, c.key);
      assert.equal(c.trials.length, 3, `${c.key}: three trials (measure.repeats)`);
      assert.equal(c.throughput_ips.n, 3);
      assert.ok(c.throughput_ips.mean > 0 && c.throughput_ips.ci95 !== null && c.throughput_ips.ci95[0] <= c.throughput_ips.mean, `${c.key} throughput`);
      const l = c.latency_ms;
      assert.ok(l.mean > 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max && l.mean <= l.max, `${c.key} latency ${JSON.stringify(l)}`);
      assert.ok((c.start_skew_ms ?? -1) >= 0, `${c.key} skew`);
      assert.ok(c.window_s > 0, `${c.key} window`);
      assert.ok(c.trials.every((t) => t.noise.preemptions_per_s !== null && t.noise.outlier_fraction >= 0), `${c.key}: noise signals recorded`);
      assert.equal(c.per_instance.length, c.instances, c.key);
      for (const i of c.per_instance) assert.ok((i.peak_rss_bytes ?? 0) > 0, `${c.key} ${i.name} peak RSS`);
    }
    const latency = summary.cells.find((c) => c.key === 'latency/fp32/vm/c1');
    assert.deepEqual(latency?.thread_probes?.map((p) => p.threads), [1, 2], 'threads tuned over {1, 2} on a 2-vCPU VM');
    const ms = summary.cells.find((c) => c.key === 'multistream/int8/vm/c2');
    assert.ok(ms?.multistream && ms.multistream.probes.length >= 1 && ms.multistream.batch_found <= 16);
    assert.equal(ms?.multistream?.bound_ms, 1);
  });

  it('records every ratio as a comparison with an interval and a verdict', () => {
    const summary = readJson<RunSummary>(join(dir, 'summary.json'));
    const vmbm = summary.comparisons.filter((c) => c.kind === 'vm_vs_baremetal');
    assert.equal(vmbm.length, 10, 'latency, throughput, multistream, two scaling counts x two precisions');
    assert.ok(vmbm.every((c) => c.note?.includes('CPU partitions')), 'local VMs are named CPU partitions');
    assert.equal(summary.comparisons.filter((c) => c.kind === 'int8_vs_fp32').length, 10);
    assert.equal(summary.comparisons.filter((c) => c.kind === 'scaling').length, 4);
    for (const c of summary.comparisons) {
      assert.ok(['faster', 'slower', 'no_difference', 'inconclusive'].includes(c.verdict), c.reason);
      assert.ok(c.reason.length > 0);
      if (c.verdict !== 'inconclusive') assert.ok(c.ci95[0] <= c.ratio && c.ratio <= c.ci95[1], `${c.a} vs ${c.b}: ${c.reason}`);
    }
  });

  it('keeps the raw per-instance samples in one file per cell', () => {
    const summary = readJson<RunSummary>(join(dir, 'summary.json'));
    for (const c of summary.cells) {
      const record = readJson<CellRecord>(join(dir, 'cells', cellFileName(c.key)));
      assert.equal(record.key, c.key);
      assert.deepEqual(record.summary, c);
      assert.equal(record.trials.length, 3, 'one record per trial');
      for (const trial of record.trials) {
        assert.equal(trial.instances.length, c.instances);
        for (const raw of trial.instances) {
          assert.equal(raw.starts_ms.length, raw.ends_ms.length);
          assert.ok(raw.starts_ms.length >= 10, 'at least the minimum steps');
          assert.ok(raw.starts_ms.every((s, n) => (raw.ends_ms[n] as number) >= s));
        }
      }
      for (const [k, inst] of c.per_instance.entries()) {
        assert.equal(inst.steps, record.trials.reduce((sum, t) => sum + (t.instances[k]?.starts_ms.length ?? 0), 0), 'steps summed over trials');
      }
    }
    const scaling = readJson<CellRecord>(join(dir, 'cells', cellFileName('scaling/fp32/vm/c2')));
    if (availableParallelism() >= 2) {
      assert.deepEqual(scaling.trials[0]?.instances.map((i) => i.cpus), [[0], [1]], 'two 1-vCPU VMs on dedicated CPUs');
    }
    const bm = readJson<CellRecord>(join(dir, 'cells', cellFileName('scaling/fp32/baremetal/n2')));
    assert.ok(bm.trials.every((t) => t.instances.every((i) => i.cpus === undefined)), 'bare metal is unpinned');
  });

  it('writes the manifest and the csv, and leaves no cgroup behind', () => {
    const manifest = readJson<RunManifest>(join(dir, 'manifest.json'));
    assert.equal(manifest.inventory_name, 'local');
    assert.deepEqual(manifest.models.map((m) => m.precision).sort(), ['fp32', 'int8']);
    assert.ok(manifest.hosts.length >= 1 && manifest.hosts.every((h) => h.sysinfo !== undefined));
    assert.equal(manifest.versions.node, process.version);
    const csv = readFileSync(join(dir, 'summary.csv'), 'utf8').trim().split('\r\n');
    assert.equal(csv.length, 21);
    assert.match(csv[0] ?? '', /^run_id,key,workload,precision,target,configuration,instances/);
    // This run's cgroups are gone (the shared parent may belong to another run in progress).
    assert.equal(existsSync(join(cgroupParent, basename(dir))), false);
  });

  it('--resume of a finished run does nothing', async () => {
    const cellFile = join(dir, 'cells', cellFileName('latency/int8/vm/c1'));
    const before = statSync(cellFile).mtimeMs;
    const again = await vharness(['run', join(root, 'configs/ci.yaml'), '--results-dir', join(tmp, 'results'), '--resume', dir, '--no-report']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /nothing to run/);
    assert.equal(resultsDir(again), dir);
    assert.equal(statSync(cellFile).mtimeMs, before);
  });

  it('--resume runs only the missing trial of a failed cell', async () => {
    const failedKey = 'throughput/fp32/vm/c2';
    const failedFile = join(dir, 'cells', cellFileName(failedKey));
    const record = readJson<CellRecord>(failedFile);
    const kept2 = record.trials.slice(0, 2);
    writeFileSync(failedFile, JSON.stringify({ ...record, trials: kept2, summary: { ...record.summary, status: 'failed', error: 'made up' } }));
    const kept = readJson<CellRecord>(join(dir, 'cells', cellFileName('throughput/int8/vm/c2'))).finished_at;
    // A narrower selection on resume reruns within it and keeps every other stored cell.
    const again = await vharness(['run', join(root, 'configs/ci.yaml'), '--only', 'throughput', '--precision', 'fp32', '--resume', dir, '--no-report']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /1 of 2 cells to run/);
    const rerun = readJson<CellRecord>(failedFile);
    assert.equal(rerun.summary.status, 'completed');
    assert.notEqual(rerun.finished_at, record.finished_at);
    assert.equal(rerun.trials.length, 3);
    assert.deepEqual(rerun.trials.slice(0, 2), kept2, 'the stored trials are kept');
    assert.notEqual(rerun.trials[2]?.started_at, record.trials[2]?.started_at, 'only the third trial ran again');
    assert.deepEqual(rerun.setup, record.setup, 'the stored setup is reused');
    assert.equal(readJson<CellRecord>(join(dir, 'cells', cellFileName('throughput/int8/vm/c2'))).finished_at, kept);
    assert.equal(readJson<RunSummary>(join(dir, 'summary.json')).cells.length, 20);
  });
});

describe('a cell whose VM is too small for its agent', () => {
  const writable = existsSync(`/sys/fs/cgroup/memory/memory.limit_in_bytes`) && process.getuid?.() === 0;
  it('fails with the reason while the other cell completes; exit 8', { skip: !writable && 'cgroup v1 memory not writable here' }, async () => {
    const config = join(tmp, 'small-vm.yaml');
    writeFileSync(
      config,
      [
        'name: small-vm',
        'model: { arch: tiny }',
        'precisions: [fp32]',
        'baremetal: false',
        'startLeadMs: 200',
        'measure: { warmup: 1, steps: 5 }',
        'configurations:',
        '  - { id: small, vms: 1, vcpus: 1, memoryGB: 0.004 }',
        '  - { id: ok, vms: 1, vcpus: 1, memoryGB: 1 }',
        'workloads:',
        '  - { kind: throughput, configuration: small, batch: 1 }',
        '  - { kind: throughput, configuration: ok, batch: 1 }',
      ].join('\n'),
    );
    const run = await vharness(['run', config, '--results-dir', join(tmp, 'small'), '--no-report']);
    assert.equal(run.code, 8, run.stderr);
    const summary = readJson<RunSummary>(join(resultsDir(run), 'summary.json'));
    const [small, ok] = summary.cells;
    assert.equal(small?.status, 'failed');
    assert.match(small?.status === 'failed' ? small.error : '', /vm-csmall-1: .*out of memory: the VM's 0.004 GB memory limit was exceeded/);
    assert.equal(ok?.status, 'completed');
    assert.match(run.stderr, /1 of 2 cells did not complete; rerun them with --resume/);
  });
});

describe('an interrupted run', () => {
  it('stops on SIGINT with exit 130, keeps the trials it stored, and --resume completes it', async () => {
    let signalled = false;
    const run = await vharness(['run', join(root, 'configs/ci.yaml'), '--only', 'scaling', '--results-dir', join(tmp, 'interrupted'), '--no-report'], (text, child) => {
      // After the first trial is stored.
      if (!signalled && /\[1\/8\] scaling\/fp32\/vm\/c3 trial 1\/3: /.test(text)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    assert.ok(signalled, run.stderr);
    assert.equal(run.code, 130, run.stderr);
    const dir = resultsDir(run);
    const summary = readJson<RunSummary>(join(dir, 'summary.json'));
    const done = summary.cells.filter((c) => c.status === 'completed').length;
    assert.ok(done < 8, `not all cells completed (${done})`);
    const first = readJson<CellRecord>(join(dir, 'cells', cellFileName('scaling/fp32/vm/c3')));
    const stored = first.trials.filter((t) => t.status === 'completed');
    assert.ok(stored.length >= 1, 'the first trial is stored');
    // The hint names the run id (and the results directory given); following it completes the run.
    const hint = /interrupted; continue with --resume (\S+) --results-dir (\S+)/.exec(run.stderr);
    assert.ok(hint, run.stderr);
    assert.equal(join(hint[2] as string, hint[1] as string), dir);
    const resumed = await vharness(['run', join(root, 'configs/ci.yaml'), '--only', 'scaling', '--resume', hint[1] as string, '--results-dir', hint[2] as string, '--no-report']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const final = readJson<RunSummary>(join(dir, 'summary.json'));
    assert.equal(final.cells.length, 8);
    assert.ok(final.cells.every((c) => c.status === 'completed'));
    const after = readJson<CellRecord>(join(dir, 'cells', cellFileName('scaling/fp32/vm/c3')));
    assert.deepEqual(after.trials.slice(0, stored.length).map((t) => t.started_at), stored.map((t) => t.started_at), 'stored trials kept on resume');
  });
});

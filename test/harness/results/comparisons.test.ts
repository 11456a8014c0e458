// The one comparisons module: verdicts and their words from cells with trials (pure).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareCells, runComparisons } from '../../../harness/results/comparisons.js';
import { estimate } from '../../../harness/results/statistics.js';
import type { CellSummary, CompletedTrial } from '../../../harness/results/types.js';

const sides = { kind: 'vm_vs_baremetal', aLabel: 'VM', bLabel: 'bare metal', precision: 'fp32', target: 'VM vs bare metal' } as const;

function cell(key: string, over: { workload?: CellSummary['workload']; target?: 'vm' | 'baremetal'; precision?: 'fp32' | 'int8'; instances?: number; throughput?: number[]; latency?: number[]; validity?: 'valid' | 'noisy' | 'invalid' }): CellSummary {
  const throughput = over.throughput ?? [100, 100, 100];
  const latency = over.latency ?? throughput.map((t) => 1000 / t);
  const trials: CompletedTrial[] = throughput.map((t, index) => ({ status: 'completed', index, throughput_ips: t, latency_mean_ms: latency[index] as number, window_s: 1, start_skew_ms: 0, flags: [], noise: { steal_fraction: 0, preemptions_per_s: 0, outlier_fraction: 0, mean_median_divergence: 0 }, noisy: [] }));
  const validity = over.validity ?? 'valid';
  return {
    key,
    workload: over.workload ?? 'throughput',
    precision: over.precision ?? 'fp32',
    target: over.target ?? 'vm',
    configuration: '1',
    instances: over.instances ?? 1,
    vcpus_per_instance: null,
    memory_gb_per_instance: null,
    batch: 1,
    threads: 1,
    repeats: trials.length,
    per_instance: [],
    status: 'completed',
    validity,
    flags: validity === 'invalid' ? ['stopped'] : [],
    noise: [],
    reasons: validity === 'valid' ? [] : ['trial 2: 12% of batches were outliers beyond Q3 + 3 IQR (limit 5.0%)'],
    throughput_ips: estimate(throughput),
    latency_mean_ms: estimate(latency),
    latency_ms: { mean: 1, p50: 1, p90: 1, p99: 1, max: 1 },
    first_inference_ms: null,
    start_skew_ms: 0,
    window_s: 1,
    trials,
  };
}

describe('compareCells', () => {
  it('slower: the interval lies below 1 on a higher-is-better metric', () => {
    const c = compareCells(cell('vm', { throughput: [95.8, 96.1, 95.9, 96.2] }), cell('bm', { target: 'baremetal', throughput: [100, 100.2, 99.9, 100.1] }), sides, { paired: true });
    assert.equal(c.verdict, 'slower');
    assert.match(c.reason, /^VM is 4\.0% slower than bare metal \(95% CI 3\.\d-4\.\d%\)$/);
    assert.equal(c.headline, '4.0% slower');
  });
  it('latency: a higher mean is slower, a ratio of times', () => {
    const c = compareCells(cell('vm', { workload: 'latency', latency: [10.5, 10.4, 10.6] }), cell('bm', { workload: 'latency', target: 'baremetal', latency: [10, 10.02, 9.98] }), sides, { paired: true });
    assert.equal(c.metric, 'latency_mean_ms');
    assert.equal(c.verdict, 'slower');
    assert.ok(c.ratio !== null && c.ratio > 1);
  });
  it('no_difference: the interval within ±1%', () => {
    const c = compareCells(cell('vm', { throughput: [100.1, 99.9, 100.0, 100.05] }), cell('bm', { target: 'baremetal', throughput: [100, 100, 99.95, 100.1] }), sides, { paired: true });
    assert.equal(c.verdict, 'no_difference');
    assert.match(c.reason, /^no significant difference: VM within ±1\.0% of bare metal/);
  });
  it('inconclusive: interval too wide', () => {
    const c = compareCells(cell('vm', { throughput: [90, 110, 100] }), cell('bm', { target: 'baremetal', throughput: [100, 100.5, 99.5] }), sides, { paired: true });
    assert.equal(c.verdict, 'inconclusive');
    assert.match(c.reason, /^inconclusive: interval too wide/);
  });
  it('inconclusive when a side is noisy or failed, whatever the interval', () => {
    const noisy = compareCells(cell('vm', { throughput: [50, 50.1, 50] , validity: 'noisy' }), cell('bm', { target: 'baremetal' }), sides, { paired: true });
    assert.equal(noisy.verdict, 'inconclusive');
    assert.match(noisy.reason, /^inconclusive: the VM cell is noisy \(trial 2: 12% of batches/);
    const failed: CellSummary = { ...cell('bm', { target: 'baremetal' }), status: 'failed', error: 'host gone', trials: [] } as unknown as CellSummary;
    const f = compareCells(cell('vm', {}), failed, sides, { paired: true });
    assert.deepEqual([f.verdict, f.ratio, f.ci95], ['inconclusive', null, null]);
    assert.match(f.reason, /the bare metal cell failed \(host gone\)/);
  });
  it('large factors read as x', () => {
    const c = compareCells(cell('int8', { precision: 'int8', throughput: [300, 301, 299] }), cell('fp32', { throughput: [100, 100.2, 99.8] }), { kind: 'int8_vs_fp32', aLabel: 'int8', bLabel: 'fp32', precision: 'int8 vs fp32', target: 'VM' }, { paired: true });
    assert.match(c.reason, /^int8 is 3\.00x faster than fp32 \(95% CI 2\.9\d-3\.0\dx\)$/);
  });
});

describe('runComparisons', () => {
  it('pairs VM with bare metal, int8 with fp32, and scaling counts with the fewest; notes go on VM vs bare metal only', () => {
    const cells = [
      cell('s/fp32/vm/1', { workload: 'scaling', instances: 1 }),
      cell('s/fp32/bm/1', { workload: 'scaling', target: 'baremetal', instances: 1 }),
      cell('s/fp32/vm/2', { workload: 'scaling', instances: 2, throughput: [190, 191, 189] }),
      cell('s/int8/vm/1', { workload: 'scaling', precision: 'int8', instances: 1, throughput: [300, 301, 302] }),
    ];
    const all = runComparisons(cells, { vmNote: 'partitions' });
    assert.deepEqual(all.map((c) => `${c.kind} ${c.a} ${c.b}`), ['vm_vs_baremetal s/fp32/vm/1 s/fp32/bm/1', 'int8_vs_fp32 s/int8/vm/1 s/fp32/vm/1', 'scaling s/fp32/vm/2 s/fp32/vm/1']);
    assert.deepEqual(all.map((c) => c.note), ['partitions', undefined, undefined]);
  });
});

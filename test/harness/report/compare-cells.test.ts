import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareRuns } from '../../../harness/report/compare-cells.js';
import { cascadelake, partial, sampleSummary, skylake } from '../../fixtures/runs/sample-run.js';

const run = (lab: typeof skylake) => ({ summary: sampleSummary(lab), dir: `/r/${lab.name}` });

describe('compareRuns', () => {
  test('same precision: every cell matched, B vs A with an interval and a verdict', () => {
    const c = compareRuns(run(skylake), run(cascadelake));
    assert.equal(c.pairs.length, 44);
    assert.deepEqual(c.onlyA, []);
    const lat = c.pairs.find((p) => p.match === 'latency/fp32/vm/1/1');
    assert.ok(lat);
    assert.equal(lat.comparison.kind, 'run_b_vs_run_a');
    assert.equal(lat.comparison.a, lat.b.key, 'side a of the ratio is run B');
    assert.equal(lat.comparison.metric, 'latency_mean_ms');
    // 18.2 ms vs 21.4 ms (x VM overheads): B is about 16% faster.
    assert.equal(lat.comparison.verdict, 'faster');
    assert.match(lat.comparison.reason, /^B is 1\d\.\d% faster than A \(95% CI \d+\.\d-\d+\.\d%\)$/);
  });

  test('across precisions: A fp32 against B int8, precision left out of the match', () => {
    const c = compareRuns(run(skylake), run(cascadelake), { aPrecision: 'fp32', bPrecision: 'int8' });
    assert.equal(c.crossPrecision, true);
    assert.equal(c.pairs.length, 22);
    assert.ok(c.pairs.every((p) => p.precisionA === 'fp32' && p.precisionB === 'int8'));
    const lat = c.pairs.find((p) => p.match === 'latency/fp32>int8/vm/1/1');
    assert.match(lat?.comparison.reason ?? '', /^B is 2\.\d\dx faster than A/, 'Cascade Lake int8 is much faster than Skylake fp32 in the sample');
  });

  test('cells in one run only are listed; failed and noisy cells make the comparison inconclusive', () => {
    const c = compareRuns(run(skylake), run(partial));
    assert.ok(c.onlyA.some((x) => x.workload === 'multistream'));
    assert.ok(c.onlyA.some((x) => x.workload === 'scaling' && x.instances === 8));
    assert.deepEqual(c.onlyB, []);
    const failed = c.pairs.find((p) => p.b.status === 'failed');
    assert.equal(failed?.b.key, 'scaling/int8/vm/c4');
    assert.equal(failed?.comparison.verdict, 'inconclusive');
    assert.equal(failed?.comparison.ratio, null);
    const noisy = c.pairs.find((p) => p.b.key === 'throughput/int8/vm/c2');
    assert.match(noisy?.comparison.reason ?? '', /^inconclusive: the B cell is noisy/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareRuns } from '../../../harness/report/compare-cells.js';
import { cascadelake, partial, sampleSummary, skylake } from '../../fixtures/runs/sample-run.js';

const run = (lab: typeof skylake) => ({ summary: sampleSummary(lab), dir: `/r/${lab.name}` });

describe('compareRuns', () => {
  test('same precision: every cell matched, ratios B/A, speedup on the workload metric', () => {
    const c = compareRuns(run(skylake), run(cascadelake));
    assert.equal(c.pairs.length, 44);
    assert.deepEqual(c.onlyA, []);
    const lat = c.pairs.find((p) => p.match === 'latency/fp32/vm/1/1');
    assert.ok(lat && lat.latency.a !== null && lat.latency.b !== null && lat.latency.ratio !== null);
    assert.equal(lat.latency.ratio, lat.latency.b / lat.latency.a);
    assert.equal(lat.speedup, 1 / lat.latency.ratio, 'latency: faster means a lower mean');
    const thr = c.pairs.find((p) => p.workload === 'throughput' && p.precisionA === 'int8' && p.target === 'vm');
    assert.equal(thr?.speedup, thr?.throughput.ratio);
  });

  test('across precisions: A fp32 against B int8, precision left out of the match', () => {
    const c = compareRuns(run(skylake), run(cascadelake), { aPrecision: 'fp32', bPrecision: 'int8' });
    assert.equal(c.crossPrecision, true);
    assert.equal(c.pairs.length, 22);
    assert.ok(c.pairs.every((p) => p.precisionA === 'fp32' && p.precisionB === 'int8'));
    assert.ok(c.pairs.some((p) => p.match === 'latency/fp32>int8/vm/1/1'));
    const lat = c.pairs.find((p) => p.match === 'latency/fp32>int8/vm/1/1');
    assert.ok((lat?.speedup ?? 0) > 2, 'Cascade Lake int8 is much faster than Skylake fp32 in the sample');
  });

  test('cells in one run only are listed; failed cells are paired without a speedup', () => {
    const c = compareRuns(run(skylake), run(partial));
    assert.ok(c.onlyA.some((x) => x.workload === 'multistream'));
    assert.ok(c.onlyA.some((x) => x.workload === 'scaling' && x.instances === 8));
    assert.deepEqual(c.onlyB, []);
    const failed = c.pairs.find((p) => p.b.status === 'failed');
    assert.equal(failed?.b.key, 'scaling/int8/vm/c4');
    assert.equal(failed?.speedup, null);
    assert.equal(failed?.throughput.ratio, null);
  });
});

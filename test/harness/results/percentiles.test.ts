import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latencyStats, percentile } from '../../../harness/results/percentiles.js';

describe('percentiles', () => {
  it('uses nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 90), 90);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile(sorted, 100), 100);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('sorts its input and reports mean and max', () => {
    const stats = latencyStats([3, 1, 2, 10]);
    assert.deepEqual(stats, { mean: 4, p50: 2, p90: 10, p99: 10, max: 10 });
    assert.equal(latencyStats([]), null);
  });
});

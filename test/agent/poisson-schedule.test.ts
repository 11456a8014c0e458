import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poissonSchedule } from '../../agent/poisson-schedule.js';

const gapsOf = (arrivals: number[]): number[] => arrivals.map((t, i) => t - (i === 0 ? 0 : (arrivals[i - 1] as number)));

describe('poissonSchedule', () => {
  it('is reproducible from its seed, and another seed gives another schedule', () => {
    const options = { qps: 200, seed: 7, minQueries: 500, minDurationMs: 0, maxQueries: 10_000 };
    assert.deepEqual(poissonSchedule(options), poissonSchedule(options));
    assert.notDeepEqual(poissonSchedule(options), poissonSchedule({ ...options, seed: 8 }));
  });

  it('has the asked mean rate within five standard errors of its sample count', () => {
    for (const [qps, seed] of [[50, 1], [1000, 2], [7.5, 3]] as const) {
      const arrivals = poissonSchedule({ qps, seed, minQueries: 20_000, minDurationMs: 0, maxQueries: 100_000 });
      const gaps = gapsOf(arrivals);
      const n = gaps.length;
      const mean = gaps.reduce((a, b) => a + b, 0) / n;
      const expected = 1000 / qps;
      // Exponential gaps: standard deviation = mean, so the sample mean's standard error is mean / sqrt(n).
      const tolerance = (5 * expected) / Math.sqrt(n);
      assert.ok(Math.abs(mean - expected) <= tolerance, `qps ${qps}: mean gap ${mean} ms, expected ${expected} +- ${tolerance}`);
      // Exponential, not evenly spaced: P(gap > mean) = 1/e, binomial standard error from n.
      const p = Math.exp(-1);
      const above = gaps.filter((g) => g > expected).length / n;
      const pTolerance = 5 * Math.sqrt((p * (1 - p)) / n);
      assert.ok(Math.abs(above - p) <= pTolerance, `qps ${qps}: ${above} of gaps above the mean, expected ${p} +- ${pTolerance}`);
    }
  });

  it('adds queries until both the minimum count and the minimum span are met, no more', () => {
    const byCount = poissonSchedule({ qps: 100, seed: 1, minQueries: 300, minDurationMs: 10, maxQueries: 10_000 });
    assert.equal(byCount.length, 300);
    const bySpan = poissonSchedule({ qps: 100, seed: 1, minQueries: 10, minDurationMs: 5000, maxQueries: 10_000 });
    assert.ok((bySpan.at(-1) as number) >= 5000);
    assert.ok((bySpan.at(-2) as number) < 5000, 'stops at the first arrival past the span');
    assert.ok(bySpan.every((t, i) => i === 0 || t >= (bySpan[i - 1] as number)), 'ascending');
  });

  it('refuses a schedule larger than the cap, and nonsense rates', () => {
    assert.throws(() => poissonSchedule({ qps: 1e6, seed: 1, minQueries: 1, minDurationMs: 600_000, maxQueries: 1000 }), /more than the 1000/);
    assert.throws(() => poissonSchedule({ qps: 0, seed: 1, minQueries: 1, minDurationMs: 0, maxQueries: 1000 }), /qps/);
  });
});

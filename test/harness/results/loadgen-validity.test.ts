import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minPassingQueries, offlineRunValidity, serverRunValidity } from '../../../harness/results/loadgen-validity.js';

/** P(X <= t), X ~ Binomial(n, q), summed directly (independent of the module's log-space sum). */
function binomialCdf(t: number, n: number, q: number): number {
  let sum = 0;
  let choose = 1;
  for (let x = 0; x <= t; x++) {
    if (x > 0) choose = (choose * (n - x + 1)) / x;
    sum += choose * q ** x * (1 - q) ** (n - x);
  }
  return sum;
}

describe('minPassingQueries (LoadGen early stopping)', () => {
  it("matches LoadGen's constants: 459 clean queries for t=0, and 662 in all for t=1 (MultiStream.min_query_count)", () => {
    assert.equal(minPassingQueries(0, 0.99, 0.99), Math.ceil(Math.log(0.01) / Math.log(0.99)));
    assert.equal(minPassingQueries(0, 0.99, 0.99), 459);
    assert.equal(minPassingQueries(1, 0.99, 0.99) + 1, 662);
  });

  it('is the smallest h with P(<= t over the bound among h + t) <= 1 - confidence', () => {
    for (const t of [0, 1, 2, 5, 20, 100]) {
      const h = minPassingQueries(t, 0.99, 0.99);
      assert.ok(binomialCdf(t, h + t, 0.01) <= 0.01 + 1e-12, `t=${t}: h=${h} passes`);
      assert.ok(binomialCdf(t, h - 1 + t, 0.01) > 0.01, `t=${t}: h-1=${h - 1} does not`);
    }
  });
});

describe('run validity', () => {
  const rules = { minQueries: 100, minDurationMs: 1000 };
  it('a clean, long enough server run is valid', () => {
    const v = serverRunValidity({ latenciesMs: new Array(600).fill(5), unserved: 0, lastArrivalMs: 1200, boundMs: 15 }, rules);
    assert.deepEqual(v.reasons, []);
    assert.equal(v.early_stopping?.passed, true);
  });
  it('says in words why a server run does not count', () => {
    const latencies = [...new Array(300).fill(5), 40, 50];
    const v = serverRunValidity({ latenciesMs: latencies, unserved: 1, lastArrivalMs: 500, boundMs: 15 }, rules);
    assert.equal(v.min_duration_met, false);
    assert.equal(v.early_stopping?.over_bound, 3);
    assert.equal(v.early_stopping?.passed, false);
    assert.match(v.reasons.join('\n'), /3 of 303 queries over the 15 ms bound: a p99 within the bound needs at least \d+ queries/);
    assert.match(v.reasons.join('\n'), /never served/);
    assert.match(v.reasons.join('\n'), /before the minimum duration of 1.00 s/);
  });
  it('offline: count and duration', () => {
    assert.deepEqual(offlineRunValidity(100, 1000, rules).reasons, []);
    assert.equal(offlineRunValidity(99, 999, rules).reasons.length, 2);
  });
});

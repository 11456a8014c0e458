// The statistics of verdicts against values computed independently: Student t quantiles from
// printed tables (and scipy.stats.t.ppf), Fieller intervals found by root-finding the Fieller
// statistic in scipy (brentq), a t interval by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimate, fiellerRatio, studentTCdf, studentTQuantile, t95 } from '../../../harness/results/statistics.js';

const close = (actual: number, expected: number, tol: number, what: string): void => assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

describe('Student t', () => {
  it('matches the two-sided 95% critical values of the tables', () => {
    const table: [number, number][] = [[1, 12.706204736174694], [2, 4.302652729749462], [4, 2.7764451051977934], [9, 2.262157162798205], [30, 2.0422724563012378], [100, 1.9839715185235518]];
    for (const [df, t] of table) close(t95(df), t, 1e-7, `t(0.975, ${df})`);
  });
  it('is symmetric and inverts its CDF', () => {
    close(studentTQuantile(0.025, 4), -2.7764451051977934, 1e-7, 't(0.025, 4)');
    close(studentTCdf(2.228138851986274, 10), 0.975, 1e-9, 'cdf at t(0.975, 10)');
    close(studentTCdf(0, 3), 0.5, 1e-12, 'cdf at 0');
  });
});

describe('estimate over trials', () => {
  it('gives mean, sample sd, CV and the t interval of the mean', () => {
    const e = estimate([10.0, 10.4, 9.8, 10.2]);
    close(e.mean, 10.1, 1e-12, 'mean');
    close(e.sd, 0.25819888974716093, 1e-12, 'sd');
    close(e.cv, 0.25819888974716093 / 10.1, 1e-12, 'cv');
    assert.ok(e.ci95);
    close(e.ci95[0], 9.689147948647896, 1e-7, 'low');
    close(e.ci95[1], 10.510852051352103, 1e-7, 'high');
  });
  it('has no interval from one trial', () => {
    assert.deepEqual(estimate([5]), { n: 1, mean: 5, sd: 0, cv: 0, ci95: null });
  });
});

describe("Fieller's interval for a ratio of means", () => {
  const a = [98.2, 101.5, 99.1, 100.4, 97.9];
  const b = [100.0, 103.1, 100.2, 102.5, 99.0];
  it('paired: the covariance of adjacent trials narrows the interval', () => {
    const r = fiellerRatio(a, b, true);
    assert.equal(r.kind, 'bounded');
    if (r.kind !== 'bounded') return;
    close(r.ratio, 0.9847464342313785, 1e-12, 'ratio');
    close(r.ci95[0], 0.9796086535918168, 1e-7, 'low');
    close(r.ci95[1], 0.9900166625370215, 1e-7, 'high');
  });
  it('unpaired: covariance left out, wider', () => {
    const r = fiellerRatio(a, b, false);
    assert.ok(r.kind === 'bounded');
    if (r.kind !== 'bounded') return;
    close(r.ci95[0], 0.9569422334457821, 1e-7, 'low');
    close(r.ci95[1], 1.013466493509429, 1e-7, 'high');
  });
  it('a constant reference reduces to the t interval of a scaled mean', () => {
    const r = fiellerRatio([10.0, 10.4, 9.8, 10.2], [2, 2, 2, 2], false);
    assert.ok(r.kind === 'bounded');
    if (r.kind !== 'bounded') return;
    close(r.ci95[0], 9.689147948647896 / 2, 1e-7, 'low');
    close(r.ci95[1], 10.510852051352103 / 2, 1e-7, 'high');
  });
  it('is unbounded with one trial, or when the reference is not clearly away from zero', () => {
    assert.equal(fiellerRatio([1], [1], true).kind, 'unbounded');
    assert.equal(fiellerRatio([1, 2, 3], [0.1, -0.1, 0.05], false).kind, 'unbounded');
  });
});

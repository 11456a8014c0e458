// Noise signals and their reasons in words (pure).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InstanceRaw } from '../../../harness/results/cell-record.js';
import { cellFindings, meanMedianDivergence, outlierFraction, trialFindings, trialNoise } from '../../../harness/results/noise.js';
import type { CompletedTrial } from '../../../harness/results/types.js';

const thresholds = { maxStealFraction: 0.02, maxPreemptionsPerSecond: 50, maxOutlierFraction: 0.05, maxMeanMedianDivergence: 0.1, maxTrialCv: 0.1 };

function raw(latencies: number[], noise?: InstanceRaw['noise']): InstanceRaw {
  const starts = latencies.map((_, i) => i * 100);
  const r: InstanceRaw = { name: 'i', host: 'h', status: 'completed', clock: null, threads: 1, batch: 1, started_at_ms: 0, first_batch_ms: 1, warmup_done: 1, starts_ms: starts, ends_ms: starts.map((s, i) => s + (latencies[i] as number)), peak_rss_bytes: 1, stopped: false };
  if (noise) r.noise = noise;
  return r;
}

describe('noise signals', () => {
  it('counts batches beyond Q3 + 3 IQR', () => {
    // Q1 = 10, Q3 = 12 (nearest rank), fence 18: the 19 and the 50 are outliers, 18 is not.
    const samples = [10, 10, 10, 11, 11, 11, 12, 12, 12, 18, 19, 50];
    assert.equal(outlierFraction(samples), 2 / 12);
    assert.equal(outlierFraction([5, 5, 5]), 0);
  });
  it('measures mean vs median divergence', () => {
    assert.equal(meanMedianDivergence([10, 10, 10, 30]), (15 - 10) / 10);
  });
  it('turns agent counters into steal fraction and preemptions per second of window', () => {
    // 10 batches of 10 ms over 910 ms: 91 involuntary switches = 100/s.
    const n = trialNoise([raw(Array(10).fill(10), { cpu_ticks: 200, steal_ticks: 10, involuntary_switches: 91 })]);
    assert.equal(n.steal_fraction, 0.05);
    assert.equal(n.preemptions_per_s, 100);
    assert.equal(trialNoise([raw([1, 2, 3])]).steal_fraction, null, 'unknown without counters');
  });
  it('says in words which thresholds a trial crosses', () => {
    const found = trialFindings({ steal_fraction: 0.08, preemptions_per_s: 120, outlier_fraction: 0.12, mean_median_divergence: 0.02 }, thresholds);
    assert.deepEqual(found.map((f) => f.signal), ['steal', 'preemption', 'outliers']);
    assert.equal(found[0]?.reason, 'steal time 8.0% of CPU time (limit 2.0%)');
    assert.equal(found[2]?.reason, '12% of batches were outliers beyond Q3 + 3 IQR (limit 5.0%)');
    assert.deepEqual(trialFindings({ steal_fraction: 0, preemptions_per_s: 3, outlier_fraction: 0, mean_median_divergence: 0.01 }, thresholds), []);
  });
  it('ignores the shape of short trials: one outlier batch, or a skew over fewer than ten batches', () => {
    const one = trialNoise([raw([...Array(14).fill(10), 14])]);
    assert.equal(one.batches, 15);
    assert.ok(one.outlier_fraction > 0.05, 'one of 15 is above the 5% limit');
    assert.deepEqual(trialFindings(one, thresholds), [], 'but one slow batch is not noise');
    const two = trialNoise([raw([...Array(13).fill(10), 40, 45])]);
    assert.deepEqual(trialFindings(two, thresholds).map((f) => f.signal), ['outliers', 'skewed_latencies'], 'two are');
    const short = trialNoise([raw([10, 10, 30])]);
    assert.ok(short.mean_median_divergence > 0.1);
    assert.deepEqual(trialFindings(short, thresholds), [], 'three batches have no shape to judge');
  });
  it('flags the spread between trials and prefixes trial findings with the trial', () => {
    const trial = (index: number, noisy: CompletedTrial['noisy'] = []): CompletedTrial => ({ status: 'completed', index, throughput_ips: 1, latency_mean_ms: 1, window_s: 1, start_skew_ms: 0, flags: [], noise: { steal_fraction: 0, preemptions_per_s: 0, outlier_fraction: 0, mean_median_divergence: 0 }, noisy });
    const found = cellFindings([trial(0), trial(1, [{ signal: 'steal', value: 0.1, threshold: 0.02, reason: 'steal time 10% of CPU time (limit 2.0%)' }])], 'throughput_ips', 0.25, thresholds);
    assert.deepEqual(found.map((f) => f.reason), ['trial 2: steal time 10% of CPU time (limit 2.0%)', 'throughput varied by 25% (CV) between trials (limit 10%)']);
  });
});

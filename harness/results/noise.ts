// Noise detection (pure): per trial the steal time and preemptions the agents recorded, the
// outlier batches (beyond Q3 + 3 IQR) and the mean vs median divergence of the latencies;
// per cell the spread between trials. Each threshold crossed becomes a reason in words.
import type { NoiseThresholds } from '../config/types.js';
import type { InstanceRaw } from './cell-record.js';
import { batchTimes, percentile } from './percentiles.js';
import type { CompletedTrial, NoiseFinding, TrialNoise } from './types.js';

const pct = (v: number): string => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;

/** Fraction of samples above Q3 + 3 IQR (nearest-rank quartiles). */
export function outlierFraction(samples: readonly number[]): number {
  if (samples.length < 4) return 0;
  const sorted = [...samples].sort((x, y) => x - y);
  const q1 = percentile(sorted, 25);
  const q3 = percentile(sorted, 75);
  const fence = q3 + 3 * (q3 - q1);
  let above = 0;
  for (const v of sorted) if (v > fence) above++;
  return above / sorted.length;
}

/** (mean - median) / median; 0 without samples. */
export function meanMedianDivergence(samples: readonly number[]): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((x, y) => x - y);
  const median = percentile(sorted, 50);
  let sum = 0;
  for (const v of sorted) sum += v;
  return median > 0 ? (sum / sorted.length - median) / median : 0;
}

/** The noise signals of one trial from its instances' raw samples and agent counters. */
export function trialNoise(instances: readonly InstanceRaw[]): TrialNoise {
  const latencies: number[] = [];
  let steal: number | null = null;
  let preemptions: number | null = null;
  for (const i of instances) {
    // Open loop: execution time per query of each batch (batches hold 1..maxBatch queries).
    const size = (k: number): number => i.serving?.sizes[k] ?? 1;
    latencies.push(...batchTimes(i).map((t, k) => t / size(k)));
    const n = i.noise;
    if (!n) continue;
    if (n.cpu_ticks > 0) steal = Math.max(steal ?? 0, n.steal_ticks / n.cpu_ticks);
    const first = i.starts_ms[0];
    const last = i.ends_ms[i.ends_ms.length - 1];
    if (first !== undefined && last !== undefined && last > first) preemptions = Math.max(preemptions ?? 0, (n.involuntary_switches * 1000) / (last - first));
  }
  return { steal_fraction: steal, preemptions_per_s: preemptions, outlier_fraction: outlierFraction(latencies), mean_median_divergence: meanMedianDivergence(latencies), batches: latencies.length };
}

const MIN_OUTLIER_BATCHES = 2;
const MIN_SHAPE_BATCHES = 10;

/** The thresholds one trial's signals cross. */
export function trialFindings(noise: TrialNoise, t: NoiseThresholds): NoiseFinding[] {
  const out: NoiseFinding[] = [];
  if (noise.steal_fraction !== null && noise.steal_fraction > t.maxStealFraction) {
    out.push({ signal: 'steal', value: noise.steal_fraction, threshold: t.maxStealFraction, reason: `steal time ${pct(noise.steal_fraction)} of CPU time (limit ${pct(t.maxStealFraction)})` });
  }
  if (noise.preemptions_per_s !== null && noise.preemptions_per_s > t.maxPreemptionsPerSecond) {
    out.push({ signal: 'preemption', value: noise.preemptions_per_s, threshold: t.maxPreemptionsPerSecond, reason: `the agent was preempted ${Math.round(noise.preemptions_per_s)} times/s by other processes (limit ${t.maxPreemptionsPerSecond}/s)` });
  }
  // A short trial's shape says little: one slow batch of 15 is already 6.7%. Outliers count from
  // two batches on, the mean vs median from ten batches on.
  const batches = noise.batches ?? Number.POSITIVE_INFINITY;
  if (noise.outlier_fraction > t.maxOutlierFraction && Math.round(noise.outlier_fraction * batches) >= MIN_OUTLIER_BATCHES) {
    out.push({ signal: 'outliers', value: noise.outlier_fraction, threshold: t.maxOutlierFraction, reason: `${pct(noise.outlier_fraction)} of batches were outliers beyond Q3 + 3 IQR (limit ${pct(t.maxOutlierFraction)})` });
  }
  if (Math.abs(noise.mean_median_divergence) > t.maxMeanMedianDivergence && batches >= MIN_SHAPE_BATCHES) {
    out.push({ signal: 'skewed_latencies', value: noise.mean_median_divergence, threshold: t.maxMeanMedianDivergence, reason: `mean latency ${pct(Math.abs(noise.mean_median_divergence))} ${noise.mean_median_divergence > 0 ? 'above' : 'below'} the median (limit ${pct(t.maxMeanMedianDivergence)})` });
  }
  return out;
}

/** A cell's findings: each noisy trial's (prefixed with the trial), then the spread between trials. */
export function cellFindings(trials: readonly CompletedTrial[], headline: 'throughput_ips' | 'latency_mean_ms', cv: number, t: NoiseThresholds): NoiseFinding[] {
  const out: NoiseFinding[] = [];
  for (const trial of trials) for (const f of trial.noisy) out.push({ ...f, reason: `trial ${trial.index + 1}: ${f.reason}` });
  if (trials.length >= 2 && cv > t.maxTrialCv) {
    const what = headline === 'throughput_ips' ? 'throughput' : 'mean latency';
    out.push({ signal: 'trial_spread', value: cv, threshold: t.maxTrialCv, reason: `${what} varied by ${pct(cv)} (CV) between trials (limit ${pct(t.maxTrialCv)})` });
  }
  return out;
}

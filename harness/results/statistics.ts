// Statistics over trials (pure): mean, sample sd, CV, the Student t quantile and interval of a
// mean, and Fieller's interval for a ratio of two means. See README "How verdicts are made".
import type { Estimate, Interval } from './types.js';

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Sample covariance (n - 1 denominator) of two equally long series. */
export function covariance(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  const ma = mean(a.slice(0, n));
  const mb = mean(b.slice(0, n));
  let s = 0;
  for (let i = 0; i < n; i++) s += ((a[i] as number) - ma) * ((b[i] as number) - mb);
  return s / (n - 1);
}

/** Sample variance (n - 1 denominator); 0 for fewer than two values. */
export function variance(values: readonly number[]): number {
  return covariance(values, values);
}

// ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms): ~15 significant digits.
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0] as number;
  for (let i = 1; i < 9; i++) s += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

// Continued fraction of the incomplete beta function (modified Lentz).
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const num of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t (0 < p < 1), by bisection on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`studentTQuantile(${p}, ${df}): need 0 < p < 1 and df > 0`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Two-sided 95% critical value t(0.975, df). */
export function t95(df: number): number {
  return studentTQuantile(0.975, df);
}

/** Mean, sd, CV and the Student t 95% interval of the mean of trial values. */
export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  const m = mean(values);
  const sd = Math.sqrt(variance(values));
  const out: Estimate = { n, mean: m, sd, cv: m !== 0 ? sd / Math.abs(m) : 0, ci95: null };
  if (n >= 2) {
    const half = (t95(n - 1) * sd) / Math.sqrt(n);
    out.ci95 = [m - half, m + half];
  }
  return out;
}

export type RatioInterval = { kind: 'bounded'; ratio: number; ci95: Interval } | { kind: 'unbounded'; ratio: number; why: string };

/**
 * Fieller's 95% interval for mean(a) / mean(b). Paired (equal-length series measured in
 * adjacent trials): the covariance enters and df = n - 1. Unpaired: covariance 0 and the
 * conservative df = min(na, nb) - 1. Unbounded when mean(b) is not clearly non-zero.
 */
export function fiellerRatio(a: readonly number[], b: readonly number[], paired: boolean): RatioInterval {
  const ma = mean(a);
  const mb = mean(b);
  const ratio = ma / mb;
  const na = a.length;
  const nb = b.length;
  if (Math.min(na, nb) < 2) return { kind: 'unbounded', ratio, why: 'fewer than two trials on a side' };
  if (paired && na !== nb) throw new RangeError('paired series must have equal length');
  const v11 = variance(a) / na;
  const v22 = variance(b) / nb;
  const v12 = paired ? covariance(a, b) / na : 0;
  const t = t95(Math.min(na, nb) - 1);
  if (v22 === 0) {
    const half = (t * Math.sqrt(v11)) / Math.abs(mb);
    return { kind: 'bounded', ratio, ci95: [ratio - half, ratio + half] };
  }
  const g = (t * t * v22) / (mb * mb);
  if (g >= 1) return { kind: 'unbounded', ratio, why: 'the reference side varies too much for a bounded interval' };
  const disc = v11 - 2 * ratio * v12 + ratio * ratio * v22 - g * (v11 - (v12 * v12) / v22);
  if (disc < 0) return { kind: 'unbounded', ratio, why: 'no real interval' };
  const centre = ratio - (g * v12) / v22;
  const half = (t / Math.abs(mb)) * Math.sqrt(disc);
  const lo = (centre - half) / (1 - g);
  const hi = (centre + half) / (1 - g);
  return { kind: 'bounded', ratio, ci95: [Math.min(lo, hi), Math.max(lo, hi)] };
}

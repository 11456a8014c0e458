// summarizeCell on open-loop (server) cells: every trial aggregated per query, the cell's
// `server` record from its setup and the trials' pooled queries, served QPS over trials with
// an interval, LoadGen's reasons as the cell's, and the search's flags. Checked against
// figures computed here from the synthetic schedules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_NOISE } from '../../../harness/config/config-build.js';
import type { ServerWorkload } from '../../../harness/config/types.js';
import type { CellSetup, InstanceRaw, TrialRecord } from '../../../harness/results/cell-record.js';
import { summarizeCell, type CellIdentity } from '../../../harness/results/cell-summary.js';

const BOUND = 20;

const server: ServerWorkload = {
  kind: 'server',
  configuration: '1',
  precisions: ['int8'],
  measure: { warmup: 1, steps: 1, repeats: 2 },
  concurrency: 1,
  warmup: 1,
  maxBatch: 1,
  run: { minQueries: 100, minDurationMs: 500 },
  boundMs: BOUND,
  maxQueueDelayMs: 0,
  seed: 1,
  probe: { minQueries: 50, minDurationMs: 200 },
  tolerance: 0.05,
  maxProbes: 4,
  minQpsFraction: 1 / 16,
};

const identity: CellIdentity = {
  key: 'server/int8/vm/c1',
  workload: 'server',
  precision: 'int8',
  target: 'vm',
  configuration: '1',
  instances: 1,
  vcpus_per_instance: 1,
  memory_gb_per_instance: 1,
  batch: 1,
  threads: 1,
  repeats: 2,
};

function setup(qpsFound: number): CellSetup {
  return {
    threads: 1,
    batch: 1,
    flags: qpsFound > 0 ? [] : ['bound_not_met_at_any_qps'],
    serving: {
      capacity_per_instance: 200,
      batch_ms: 5,
      qps_found_per_instance: qpsFound,
      trial_qps_per_instance: qpsFound > 0 ? qpsFound : 50,
      queries_per_instance: 0,
      probes: [{ qps: 100, qps_per_instance: 100, p99_ms: 6, within_bound: true, over_bound_fraction: 0, queries: 100 }],
      ...(qpsFound > 0 ? {} : { why_none: 'no offered rate kept the p99 within 20 ms' }),
    },
  };
}

/** One instance serving `queries` queries 10 ms apart, one per batch, each taking `latency(k)` ms from its arrival. */
function instance(queries: number, latency: (k: number) => number, seed: number): InstanceRaw {
  const arrivals = Array.from({ length: queries }, (_, k) => 10 * k);
  const ends = arrivals.map((a, k) => a + latency(k));
  return {
    name: 'vm-1',
    host: 'h',
    status: 'completed',
    clock: null,
    threads: 1,
    batch: 1,
    started_at_ms: 0,
    first_batch_ms: 1,
    warmup_done: 1,
    starts_ms: ends.map((e) => e - 4),
    ends_ms: ends,
    peak_rss_bytes: 1000,
    stopped: false,
    serving: { scenario: 'server', qps: 100, seed, concurrency: 1, max_batch: 1, max_queue_delay_ms: 0, origin_ms: 0, arrivals_ms: arrivals, sizes: arrivals.map(() => 1), late_start_ms: 0, gave_up: false },
  };
}

const trial = (index: number, raw: InstanceRaw): TrialRecord => ({ status: 'completed', index, started_at: '', finished_at: '', instances: [raw] });

function summarize(qpsFound: number, trials: TrialRecord[]) {
  return summarizeCell({ identity, setup: setup(qpsFound), trials, notes: [], measure: server.measure, workload: server, maxSkewFraction: 0.05, noise: DEFAULT_NOISE });
}

/** Nearest-rank p99 of the samples, computed here. */
function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(0.99 * sorted.length) - 1] as number;
}

describe('summarizeCell on server cells', () => {
  it('pools the queries of the trials, measures served QPS per trial with an interval, and keeps the search', () => {
    const latA = (k: number): number => 5 + (k % 3);
    const latB = (k: number): number => (k % 50 === 7 ? 15 : 6);
    const cell = summarize(100, [trial(0, instance(600, latA, 1)), trial(1, instance(600, latB, 7920))]);
    assert.equal(cell.status, 'completed');
    if (cell.status !== 'completed') return;
    const pooled = [...Array.from({ length: 600 }, (_, k) => latA(k)), ...Array.from({ length: 600 }, (_, k) => latB(k))];
    assert.equal(cell.server?.latency_ms?.p99, p99(pooled));
    assert.equal(cell.latency_ms.p99, p99(pooled), 'the cell percentiles are the pooled query latencies');
    assert.equal(cell.server?.queries, 1200);
    assert.equal(cell.server?.qps_found, 100);
    assert.equal(cell.server?.closed_loop_qps, 200);
    assert.equal(cell.server?.tolerance, 0.05);
    assert.equal(cell.server?.probes.length, 1);
    assert.equal(cell.throughput_ips.n, 2);
    // 600 queries served over (last completion - origin) per trial.
    const served = [600 / ((10 * 599 + latA(599)) / 1000), 600 / ((10 * 599 + latB(599)) / 1000)];
    assert.ok(Math.abs(cell.throughput_ips.mean - (served[0]! + served[1]!) / 2) < 0.01, `${cell.throughput_ips.mean}`);
    assert.ok(cell.throughput_ips.ci95 !== null, 'two trials give an interval');
    assert.equal(cell.trials.length, 2);
    assert.deepEqual(cell.flags, [], 'p99 within the bound in both trials');
  });

  it('flags a trial whose p99 exceeds the bound at the rate found, and turns LoadGen reasons into the cell reasons', () => {
    const over = (k: number): number => (k % 10 === 0 ? 40 : 5);
    const cell = summarize(100, [trial(0, instance(600, () => 5, 1)), trial(1, instance(120, over, 7920))]);
    assert.equal(cell.status, 'completed');
    if (cell.status !== 'completed') return;
    assert.ok(cell.flags.includes('bound_exceeded_in_confirming_run'), cell.flags.join(','));
    assert.equal(cell.validity, 'invalid');
    // Trial 2 spans 1.19 s of a 0.5 s minimum but its 12 queries over the bound need more queries for early stopping.
    assert.ok(cell.flags.includes('early_stopping_not_met'), cell.flags.join(','));
    for (const reason of cell.server?.validity.reasons ?? []) assert.ok(cell.reasons.includes(reason), reason);
    assert.ok(!cell.reasons.some((r) => r === 'too few queries to support the p99 bound (early stopping)'), 'LoadGen says it with figures instead of the flag words');
  });

  it('without a rate found: flagged, the reason first, the trials at the probe rules', () => {
    const cell = summarize(0, [trial(0, instance(60, () => 25, 1)), trial(1, instance(60, () => 25, 7920))]);
    assert.equal(cell.status, 'completed');
    if (cell.status !== 'completed') return;
    assert.ok(cell.flags.includes('bound_not_met_at_any_qps'));
    assert.equal(cell.server?.qps_found, 0);
    assert.equal(cell.server?.validity.min_queries, 50, 'probe minimums');
    assert.match(cell.reasons[0] ?? '', /^no offered rate kept the p99 within 20 ms/);
    assert.ok(!cell.flags.includes('bound_exceeded_in_confirming_run'), 'no confirming rate, so no confirming-run flag');
  });
});

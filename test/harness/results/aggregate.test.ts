import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateTrial, allActiveWindow, imagesInWindow } from '../../../harness/results/aggregate.js';
import type { InstanceRaw } from '../../../harness/results/cell-record.js';

function instance(name: string, startedAt: number, batches: [number, number][], batch = 1, extra: Partial<InstanceRaw> = {}): InstanceRaw {
  return {
    name,
    host: 'h',
    status: 'completed',
    clock: { offset_ns: 0, rtt_ns: 1000 },
    threads: 1,
    batch,
    started_at_ms: startedAt,
    first_batch_ms: 5,
    warmup_done: 2,
    starts_ms: batches.map((b) => b[0]),
    ends_ms: batches.map((b) => b[1]),
    peak_rss_bytes: 1000,
    stopped: false,
    ...extra,
  };
}

// Back-to-back batches of `ms` each from `from`, `n` of them.
function steady(from: number, ms: number, n: number): [number, number][] {
  return Array.from({ length: n }, (_, i) => [from + i * ms, from + (i + 1) * ms] as [number, number]);
}

describe('aggregateTrial', () => {
  it('uses the all-active window [max start, min end] for throughput', () => {
    const a = instance('a', 0, steady(0, 10, 100)); // 0..1000
    const b = instance('b', 1, steady(200, 10, 100)); // 200..1200
    assert.deepEqual(allActiveWindow([a, b]), { from: 200, to: 1000 });
    const agg = aggregateTrial({ instances: [a, b], measure: { warmup: 2, steps: 100, repeats: 1 } });
    assert.equal(agg.status, 'completed');
    if (agg.status !== 'completed') return;
    assert.equal(agg.window_s, 0.8);
    // 80 batches of each instance fall in the 800 ms window: 160 images / 0.8 s.
    assert.equal(agg.throughput_ips, 200);
    assert.equal(agg.per_instance[0]?.throughput_ips, 100);
    assert.equal(agg.per_instance[0]?.steps, 100);
  });

  it('prorates batches that straddle the window edges', () => {
    assert.equal(imagesInWindow([0, 10], [10, 20], 4, 5, 20), 6);
    assert.equal(imagesInWindow([0], [10], 8, 10, 20), 0);
  });

  it('computes percentiles from pooled raw samples, not averaged per instance', () => {
    // a: 99 batches of 1 ms and one of 100 ms; b: 100 batches of 2 ms.
    const aBatches = [...steady(0, 1, 99), [99, 199] as [number, number]];
    const a = instance('a', 0, aBatches);
    const b = instance('b', 0, steady(0, 2, 100));
    const agg = aggregateTrial({ instances: [a, b], measure: { warmup: 2, steps: 100, repeats: 1 } });
    const pooled = [...Array(99).fill(1), 100, ...Array(100).fill(2)].sort((x, y) => x - y);
    assert.equal(agg.status, 'completed');
    if (agg.status !== 'completed') return;
    assert.equal(agg.latency_ms?.max, 100);
    assert.equal(agg.latency_ms?.p50, pooled[99]);
    assert.equal(agg.latency_ms?.p99, 2); // rank 198 of 200 is still a 2 ms batch
    // Averaging per-instance p99s would give (100 + 2) / 2 = 51: that must not happen.
    assert.notEqual(agg.latency_ms?.p99, 51);
    assert.equal(agg.latency_ms?.mean, (99 + 100 + 200) / 200);
  });

  it('records start skew and flags it beyond the fraction of the window', () => {
    const a = instance('a', 0, steady(10, 10, 100));
    const b = instance('b', 80, steady(90, 10, 100));
    const agg = aggregateTrial({ instances: [a, b], measure: { warmup: 2, steps: 100, repeats: 1 }, maxSkewFraction: 0.05 });
    assert.equal(agg.start_skew_ms, 80);
    // window 90..1010 = 920 ms; 5% = 46 ms < 80 ms
    assert.ok(agg.flags.includes('skew_exceeds_bound'), agg.flags.join());
    const ok = aggregateTrial({ instances: [a, instance('b', 10, steady(20, 10, 100))], measure: { warmup: 2, steps: 100, repeats: 1 } });
    assert.equal(ok.start_skew_ms, 10);
    assert.deepEqual(ok.flags, []);
  });

  it('fails the cell when one instance failed, keeping the others as data', () => {
    const a = instance('a', 0, steady(0, 10, 10));
    const b = instance('b', null as unknown as number, [], 1, { status: 'failed', error: 'agent exited with code 1', started_at_ms: null });
    const agg = aggregateTrial({ instances: [a, b], measure: { warmup: 2, steps: 10, repeats: 1 } });
    assert.equal(agg.status, 'failed');
    assert.match(agg.status === 'failed' ? agg.error : '', /b: agent exited with code 1/);
    assert.ok(agg.flags.includes('instance_failed'));
    assert.ok(!('throughput_ips' in agg), 'a failed trial carries no throughput');
    assert.equal(agg.per_instance.length, 2);
    assert.equal(agg.per_instance[1]?.status, 'failed');
  });

  it('flags unmet minimum steps, duration and warmup', () => {
    const a = instance('a', 0, steady(0, 10, 5), 1, { warmup_done: 1 });
    const agg = aggregateTrial({ instances: [a], measure: { warmup: 2, steps: 10, durationMs: 1000, repeats: 1 } });
    assert.deepEqual([...agg.flags].sort(), ['min_duration_not_met', 'min_steps_not_met', 'warmup_incomplete']);
  });

  it('fails a cell whose instances never overlap', () => {
    const agg = aggregateTrial({ instances: [instance('a', 0, steady(0, 10, 5)), instance('b', 100, steady(100, 10, 5))], measure: { warmup: 2, steps: 5, repeats: 1 } });
    assert.equal(agg.status, 'failed');
    assert.ok(agg.flags.includes('no_common_window'));
  });
});

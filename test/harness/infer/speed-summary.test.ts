import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeSpeed } from '../../../harness/infer/speed-summary.js';

describe('summarizeSpeed', () => {
  it('computes latency from raw start/end pairs and throughput over the measured span', () => {
    const ms = 1e6;
    const summary = summarizeSpeed({
      batch: 4,
      startedAt: 0,
      firstBatchMs: 12,
      warmupDone: 2,
      starts: [100 * ms, 110 * ms, 130 * ms, 140 * ms],
      ends: [110 * ms, 130 * ms, 140 * ms, 200 * ms],
      peakRssBytes: 1000,
      stopped: false,
    });
    assert.equal(summary.images, 16);
    assert.equal(summary.measured_s, 0.1);
    assert.equal(summary.throughput_ips, 160);
    assert.deepEqual(summary.latency_ms, { mean: 25, p50: 10, p90: 60, p99: 60, max: 60 });
    assert.equal(summary.first_inference_ms, 12);
  });
  it('has no latency and zero throughput without samples', () => {
    const summary = summarizeSpeed({ batch: 1, startedAt: 0, firstBatchMs: null, warmupDone: 0, starts: [], ends: [], peakRssBytes: 0, stopped: true });
    assert.equal(summary.latency_ms, null);
    assert.equal(summary.throughput_ips, 0);
  });
});

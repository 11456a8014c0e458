// The open-loop dispatcher against a synthetic service (a pure unit: the service is a timer
// standing in for inference, so its capacity is known exactly).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nowNs } from '../../agent/run-batches.js';
import { serveQueries, type BatchExecutor } from '../../agent/serve-queries.js';
import { queryLatencies } from '../../harness/results/query-latencies.js';
import { latencyStats } from '../../harness/results/percentiles.js';

/** A service taking `ms` per batch whatever its size. */
function timedService(ms: number, log: { size: number; start: number }[] = []): BatchExecutor {
  return {
    async run(size) {
      const start = nowNs();
      log.push({ size, start });
      await new Promise((r) => setTimeout(r, ms));
      return { start, end: nowNs() };
    },
  };
}

function latenciesMs(arrivalsMs: number[], origin: number, result: { sizes: number[]; ends: number[] }): number[] {
  return queryLatencies(arrivalsMs, result.sizes, result.ends.map((e) => (e - origin) / 1e6)).latencies;
}

describe('serveQueries', () => {
  it('counts queueing: a service slower than the arrival rate shows growing latency and fails the bound', async () => {
    const arrivalsMs = Array.from({ length: 120 }, (_, i) => i * 2); // 500 queries/s
    const origin = nowNs() + 5e6;
    const result = await serveQueries({ executors: [timedService(6)], arrivalsMs, origin, maxBatch: 1, maxQueueDelayMs: 0 }); // capacity < 170/s
    assert.equal(result.sizes.reduce((a, b) => a + b, 0), 120, 'every query served');
    const latencies = latenciesMs(arrivalsMs, origin, result);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(latencies.slice(0, 20));
    const last = mean(latencies.slice(-20));
    // Each query waits for all earlier ones: the wait grows by >= 4 ms per query.
    assert.ok(last > first + 100 * 4 * 0.9, `latency grows with the queue: first ${first.toFixed(1)} ms, last ${last.toFixed(1)} ms`);
    const p99 = latencyStats(latencies)?.p99 ?? 0;
    assert.ok(p99 > 15, `p99 ${p99} ms is over a 15 ms bound`);
    for (let i = 1; i < result.starts.length; i++) assert.ok((result.starts[i] as number) >= (result.ends[i - 1] as number), 'one batch at a time');
  });

  it('batches whatever is queued up to maxBatch (offline: everything arrives at once)', async () => {
    const arrivalsMs = new Array<number>(20).fill(0);
    const result = await serveQueries({ executors: [timedService(1)], arrivalsMs, origin: nowNs(), maxBatch: 8, maxQueueDelayMs: 0 });
    assert.deepEqual(result.sizes, [8, 8, 4]);
  });

  it('holds a partial batch for at most maxQueueDelayMs, and dispatches at once when nothing more will come', async () => {
    const origin = nowNs();
    const waited = await serveQueries({ executors: [timedService(1)], arrivalsMs: [0, 30], origin, maxBatch: 4, maxQueueDelayMs: 1000 });
    assert.deepEqual(waited.sizes, [2], 'the first query waited for the second');
    assert.ok((waited.starts[0] as number) - origin >= 30e6, 'dispatched when the last query arrived, not at the deadline');
    const origin2 = nowNs();
    const deadline = await serveQueries({ executors: [timedService(1)], arrivalsMs: [0, 200], origin: origin2, maxBatch: 4, maxQueueDelayMs: 20 });
    assert.deepEqual(deadline.sizes, [1, 1], 'the deadline passed before the second query arrived');
    const t = ((deadline.starts[0] as number) - origin2) / 1e6;
    assert.ok(t >= 20 && t < 200, `first batch at ${t} ms: after its 20 ms deadline, before the next arrival`);
    const eager = await serveQueries({ executors: [timedService(1)], arrivalsMs: [0, 30], origin: nowNs(), maxBatch: 4, maxQueueDelayMs: 0 });
    assert.deepEqual(eager.sizes, [1, 1]);
  });

  it('keeps `concurrency` batches in flight with several executors', async () => {
    const log: { size: number; start: number }[] = [];
    const executors = [timedService(40, log), timedService(40, log)];
    const origin = nowNs();
    const result = await serveQueries({ executors, arrivalsMs: [0, 0, 0, 0], origin, maxBatch: 1, maxQueueDelayMs: 0 });
    assert.equal(result.sizes.length, 4);
    assert.ok((result.starts[1] as number) < (result.ends[0] as number), 'the second batch started before the first ended');
  });

  it('gives up on an overloaded service and reports the rest unserved', async () => {
    const arrivalsMs = Array.from({ length: 200 }, (_, i) => i);
    const origin = nowNs();
    const result = await serveQueries({ executors: [timedService(20)], arrivalsMs, origin, maxBatch: 1, maxQueueDelayMs: 0, giveUpMs: 60 });
    assert.equal(result.gaveUp, true);
    const { unserved } = queryLatencies(arrivalsMs, result.sizes, result.ends);
    assert.ok(unserved > 0 && unserved < 200);
  });
});

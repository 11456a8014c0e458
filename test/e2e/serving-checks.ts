// What every end-to-end run of test/fixtures/serving.yaml must show, wherever it ran
// (locally or over SSH): the server search, its confirming run and LoadGen validity, offline
// throughput, and per-query latencies that the raw schedules in the cell files reproduce.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellRecord } from '../../harness/results/cell-record.js';
import { percentile } from '../../harness/results/percentiles.js';
import { queryLatencies } from '../../harness/results/query-latencies.js';
import { cellFileName } from '../../harness/results/run-store.js';
import type { CompletedCell, RunSummary } from '../../harness/results/types.js';

export const servingConfig = 'test/fixtures/serving.yaml';

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

function checkServer(dir: string, c: CompletedCell): void {
  const s = c.server;
  assert.ok(s, `${c.key} has server results`);
  assert.equal(s.bound_ms, 20);
  assert.deepEqual([s.concurrency, s.max_batch, s.max_queue_delay_ms], [1, 4, 2], 'execution settings recorded');
  assert.ok((s.closed_loop_qps ?? 0) > 0, `${c.key} closed-loop capacity`);
  assert.ok(s.probes.length >= 1 && s.probes.length <= 4, `${c.key}: ${s.probes.length} probes (at most maxProbes 4)`);
  for (const p of s.probes) assert.equal(p.within_bound, p.p99_ms !== null && p.p99_ms <= 20, `${c.key} probe at ${p.qps}`);
  assert.ok(s.qps_found >= 0 && s.qps_found <= (s.closed_loop_qps ?? 0) * 1.5 ** 4, `${c.key} QPS found ${s.qps_found}`);
  if (s.qps_found > 0) assert.ok(s.probes.some((p) => p.within_bound && Math.abs(p.qps - s.qps_found) < 0.01), 'the rate found is a probe within the bound');
  else assert.ok(c.flags.includes('bound_not_met_at_any_qps'));
  const l = s.latency_ms;
  assert.ok(l && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max, `${c.key} percentiles ${JSON.stringify(l)}`);
  // The confirming runs' minimums; without a rate found the trials run at the last probe's rate (the probe's minimums).
  const [minQueries, minDurationMs] = s.qps_found > 0 ? [200, 300] : [100, 200];
  assert.ok(s.queries >= minQueries * c.instances, `${c.key}: ${s.queries} queries, at least minQueries per instance`);
  const v = s.validity;
  assert.equal(v.min_queries, minQueries);
  assert.equal(v.min_duration_ms, minDurationMs);
  assert.equal(v.min_queries_met, true, 'the schedule holds at least minQueries');
  assert.equal(v.min_duration_met, true, 'the schedule spans at least minDurationMs');
  assert.ok(v.early_stopping && v.early_stopping.queries_needed >= 459, 'early stopping needs at least 459 queries');
  assert.equal(v.early_stopping.passed, s.queries >= v.early_stopping.queries_needed);
  if (!v.early_stopping.passed) assert.match(v.reasons.join('\n'), /LoadGen early stopping/);
  assert.equal(c.validity === 'invalid', c.flags.length > 0);
  if (v.reasons.length > 0) assert.equal(c.validity, 'invalid', `${c.key}: reasons make it invalid`);
  for (const reason of v.reasons) assert.ok(c.reasons.includes(reason), `${c.key}: LoadGen's reason is the cell's: ${reason}`);

  // The trials' raw schedules reproduce the summary's pooled p99 (latency = completion - scheduled arrival).
  const record = readJson<CellRecord>(join(dir, 'cells', cellFileName(c.key)));
  const trials = record.trials.filter((t) => t.status === 'completed');
  assert.equal(trials.length, c.repeats, `${c.key}: every trial stored`);
  const pooled: number[] = [];
  for (const raw of trials.flatMap((t) => t.instances)) {
    const serving = raw.serving;
    assert.ok(serving && serving.scenario === 'server' && serving.qps !== null, `${c.key} ${raw.name} raw schedule`);
    assert.equal(serving.sizes.length, raw.ends_ms.length);
    assert.ok(serving.sizes.every((k) => k >= 1 && k <= 4), 'batches of 1..maxBatch');
    const q = queryLatencies(serving.arrivals_ms, serving.sizes, raw.ends_ms);
    assert.ok(q.latencies.every((x) => x > 0), 'every query completes after its scheduled arrival');
    pooled.push(...q.latencies);
  }
  pooled.sort((a, b) => a - b);
  assert.ok(Math.abs(percentile(pooled, 99) - l.p99) < 0.01, `p99 ${percentile(pooled, 99)} recomputed from raw vs ${l.p99}`);
  const seeds = trials.flatMap((t) => t.instances.map((r) => r.serving?.seed));
  assert.equal(new Set(seeds).size, seeds.length, 'each instance of each trial has its own schedule seed');
}

function checkOffline(c: CompletedCell): void {
  const o = c.offline;
  assert.ok(o, `${c.key} has offline results`);
  assert.deepEqual([o.concurrency, o.max_batch], [2, 8]);
  assert.ok(o.queries >= 64 * c.instances, `${c.key}: ${o.queries} queries`);
  assert.ok(o.mean_batch !== null && o.mean_batch > 1 && o.mean_batch <= 8, `${c.key} mean batch ${o.mean_batch}`);
  assert.ok(c.throughput_ips.mean > 0 && c.throughput_ips.n === c.repeats);
  assert.equal(o.validity.min_queries_met, true);
  if (!o.validity.min_duration_met) assert.match(o.validity.reasons.join('\n'), /minimum duration/);
}

/** Checks a finished run of the serving fixture; returns its summary. */
export function checkServingRun(dir: string): RunSummary {
  const summary = readJson<RunSummary>(join(dir, 'summary.json'));
  assert.deepEqual(summary.cells.map((c) => c.key), ['server/int8/vm/c1', 'server/int8/baremetal/c1', 'offline/int8/vm/c1', 'offline/int8/baremetal/c1']);
  for (const c of summary.cells) {
    assert.equal(c.status, 'completed', `${c.key}: ${c.status === 'failed' ? c.error : ''}`);
    if (c.status !== 'completed') continue;
    assert.equal(c.per_instance.length, c.instances, c.key);
    if (c.workload === 'server') checkServer(dir, c);
    else checkOffline(c);
  }
  return summary;
}

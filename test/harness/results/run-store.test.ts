import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError } from '../../../harness/errors.js';
import { cellFileName, newRunId, RunStore } from '../../../harness/results/run-store.js';
import type { CellRecord } from '../../../harness/results/cell-record.js';
import type { CellSummary, RunManifest, RunSummary } from '../../../harness/results/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'vharness-store-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const estimate = { n: 3, mean: 10, sd: 0.1, cv: 0.01, ci95: [9.75, 10.25] as [number, number] };
const summaryCell = (key: string, status: 'completed' | 'failed'): CellSummary => {
  const identity = {
    key,
    workload: 'latency' as const,
    precision: 'fp32' as const,
    target: 'vm' as const,
    configuration: '1',
    instances: 1,
    vcpus_per_instance: 2,
    memory_gb_per_instance: 1,
    batch: 1,
    threads: 2,
    repeats: 3,
    per_instance: [],
  };
  if (status === 'failed') return { ...identity, status, error: 'agent said "no", then left', trials: [] };
  return {
    ...identity,
    status,
    validity: 'valid',
    flags: [],
    noise: [],
    reasons: [],
    throughput_ips: estimate,
    latency_mean_ms: estimate,
    latency_ms: { mean: 1, p50: 1, p90: 1, p99: 1, max: 1 },
    first_inference_ms: 2,
    start_skew_ms: 0,
    window_s: 1,
    trials: [],
  };
};

describe('RunStore', () => {
  it('names runs by UTC time and config, and cells by key', () => {
    assert.equal(newRunId('demo', new Date('2026-11-26T19:35:07.123Z')), '20261126-193507-demo');
    assert.equal(cellFileName('scaling/int8/vm/c5'), 'scaling__int8__vm__c5.json');
  });

  it('creates a fresh directory per run, even for the same id', async () => {
    const a = await RunStore.create(tmp, 'r');
    const b = await RunStore.create(tmp, 'r');
    assert.equal(a.runId, 'r');
    assert.equal(b.runId, 'r-2');
    assert.notEqual(a.dir, b.dir);
  });

  it('writes cells, summary and manifest atomically and reads them back for resume', async () => {
    const store = await RunStore.create(tmp, 'rw');
    const record: CellRecord = { key: 'latency/fp32/vm/c1', started_at: 's', finished_at: 'f', summary: summaryCell('latency/fp32/vm/c1', 'completed'), setup: { threads: 2, batch: 1, flags: [] }, trials: [] };
    await store.writeCell(record);
    await store.writeCell({ ...record, key: 'latency/fp32/baremetal/c1', summary: summaryCell('latency/fp32/baremetal/c1', 'failed') });
    await store.writeManifest({ run_id: 'rw' } as RunManifest);
    const summary: RunSummary = { run_id: 'rw', config: 'c', inventory: 'i', model: { arch: 'tiny' }, started_at: 's', finished_at: 'f', equivalence_margin: 0.01, cells: [record.summary], comparisons: [] };
    await store.writeSummary(summary, 'csv\r\n');
    assert.deepEqual(readdirSync(store.dir).sort(), ['cells', 'manifest.json', 'summary.csv', 'summary.json'], 'no temporary files left');
    const reopened = await RunStore.open(tmp, 'rw');
    assert.equal(reopened.dir, store.dir);
    const cells = await reopened.readCells();
    assert.deepEqual([...cells.keys()].sort(), ['latency/fp32/baremetal/c1', 'latency/fp32/vm/c1']);
    assert.equal(cells.get('latency/fp32/baremetal/c1')?.summary.status, 'failed');
    assert.deepEqual(await reopened.readSummary(), summary);
  });

  it('refuses to resume something that is not a run', async () => {
    await assert.rejects(RunStore.open(tmp, 'no-such-run'), (e: unknown) => e instanceof UsageError && /got 'no-such-run'/.test(e.message));
  });
});

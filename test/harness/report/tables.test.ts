import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTables } from '../../../harness/report/tables.js';
import type { CellSummary, RunSummary } from '../../../harness/results/types.js';

function cell(over: Partial<CellSummary> & Pick<CellSummary, 'workload' | 'precision' | 'target'>): CellSummary {
  return {
    key: `${over.workload}/${over.precision}/${over.target}/${over.configuration ?? '1'}/${over.instances ?? 1}`,
    configuration: '1',
    instances: 1,
    vcpus_per_instance: null,
    memory_gb_per_instance: null,
    batch: 1,
    threads: 2,
    status: 'completed',
    valid: true,
    flags: [],
    throughput_ips: 100,
    latency_ms: { mean: 10, p50: 10, p90: 11, p99: 12, max: 13 },
    first_inference_ms: 20,
    start_skew_ms: 0,
    window_s: 1,
    per_instance: [],
    ...over,
  };
}

const summary: RunSummary = {
  run_id: 'r',
  config: 'c.yaml',
  inventory: 'i.yaml',
  model: { arch: 'tiny' },
  started_at: '',
  finished_at: '',
  cells: [
    cell({ workload: 'latency', precision: 'fp32', target: 'vm', latency_ms: { mean: 10.1, p50: 10, p90: 11, p99: 12, max: 13 } }),
    cell({ workload: 'latency', precision: 'fp32', target: 'baremetal', latency_ms: { mean: 10, p50: 10, p90: 11, p99: 12, max: 13 } }),
    cell({ workload: 'latency', precision: 'int8', target: 'vm', latency_ms: { mean: 5, p50: 5, p90: 5, p99: 5, max: 5 } }),
    cell({ workload: 'scaling', precision: 'fp32', target: 'vm', configuration: '4', instances: 2, throughput_ips: 150 }),
    cell({ workload: 'scaling', precision: 'fp32', target: 'baremetal', configuration: '4', instances: 2, throughput_ips: 100 }),
    cell({ workload: 'scaling', precision: 'int8', target: 'vm', configuration: '4', instances: 2, status: 'failed', throughput_ips: null, error: 'x' }),
    cell({ workload: 'multistream', precision: 'int8', target: 'vm', configuration: '2', batch: 15, throughput_ips: 109, valid: false, flags: ['skew_exceeds_5pct'], multistream: { bound_ms: 33.3, statistic: 'mean', batch_found: 15, probes: [] } }),
    cell({ workload: 'multistream', precision: 'int8', target: 'baremetal', configuration: '2', batch: 28, throughput_ips: 100, multistream: { bound_ms: 33.3, statistic: 'mean', batch_found: 28, probes: [] } }),
  ],
};

describe('renderTables', () => {
  const text = renderTables(summary).join('\n\n');
  it('shows VM vs bare metal with overhead and ratios', () => {
    assert.match(text, /Single image latency/);
    assert.match(text, /10\.1 \(2\)\s+│ 10\.0 \(2\)\s+│ \+1\.0%/);
    assert.match(text, /Throughput scaling/);
    assert.match(text, /│ 2\s+│ 150\s+│ 100\s+│ 1\.50x\s+│ failed/);
    assert.match(text, /largest batch with mean latency <= 33\.3 ms/);
    assert.match(text, /│ int8\s+│ 2\s+│ 15\s+│ 109\*\s+│ 28\s+│ 100\s+│ 1\.09x/);
  });
  it('shows int8 speedup and marks invalid cells', () => {
    assert.match(text, /int8 vs fp32/);
    assert.match(text, /latency\s+│ vm\s+│ 1\s+│ 10\.1 ms\s+│ 5\.00 ms\s+│ 2\.02x/);
    assert.match(text, /\* flagged invalid/);
  });
  it('names a scaling row by its VM configuration and VM count', () => {
    assert.match(text, /scaling\s+│ vm\s+│ 4 \(2 VMs\)\s+│ 150 img\/s/);
  });
});

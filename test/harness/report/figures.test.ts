import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildFigure, buildFigures } from '../../../harness/report/figures.js';
import type { CellSummary } from '../../../harness/results/types.js';
import { cascadelake, partial, sampleSummary } from '../../fixtures/runs/sample-run.js';

function cell(over: Partial<CellSummary>): CellSummary {
  return {
    key: 'k',
    workload: 'latency',
    precision: 'fp32',
    target: 'vm',
    configuration: 'c1',
    instances: 1,
    vcpus_per_instance: 4,
    memory_gb_per_instance: 8,
    batch: 1,
    threads: 4,
    status: 'completed',
    valid: true,
    flags: [],
    throughput_ips: null,
    latency_ms: null,
    first_inference_ms: null,
    start_skew_ms: 0,
    window_s: 10,
    per_instance: [],
    ...over,
  };
}

const lat = (mean: number) => ({ mean, p50: mean, p90: mean, p99: mean, max: mean });

describe('buildFigure', () => {
  test('latency: VM overhead in percent and int8 speedup from the means', () => {
    const f = buildFigure('latency', [
      cell({ key: 'a', target: 'vm', precision: 'fp32', latency_ms: lat(101) }),
      cell({ key: 'b', target: 'baremetal', precision: 'fp32', latency_ms: lat(100) }),
      cell({ key: 'c', target: 'vm', precision: 'int8', latency_ms: lat(40) }),
      cell({ key: 'd', target: 'baremetal', precision: 'int8', latency_ms: lat(50), valid: false, flags: ['min_duration_not_met'] }),
    ]);
    assert.equal(f.points.length, 4);
    const byLabel = Object.fromEntries(f.ratios.map((r) => [r.label, r]));
    assert.equal(byLabel['VM overhead vs bare metal, fp32']?.text, '+1.0%');
    assert.equal(byLabel['VM overhead vs bare metal, int8']?.text, '-20.0%');
    assert.equal(byLabel['VM overhead vs bare metal, int8']?.fromInvalid, true);
    assert.equal(byLabel['int8 speedup over fp32, VM']?.text, '2.52x');
    assert.equal(byLabel['int8 speedup over fp32, bare metal']?.text, '2.00x');
    assert.match(f.table.rows[3]?.at(-1) ?? '', /^invalid: shorter than the asked duration$/);
  });

  test('failed cells are rows with their reason but not chart points', () => {
    const f = buildFigure('throughput', [
      cell({ workload: 'throughput', throughput_ips: 50 }),
      cell({ workload: 'throughput', target: 'baremetal', status: 'failed', valid: false, error: 'host bm1 unreachable' }),
    ]);
    assert.equal(f.points.length, 1);
    assert.equal(f.failed, 1);
    assert.equal(f.table.rows.length, 2);
    assert.equal(f.table.rows[1]?.at(-1), 'failed: host bm1 unreachable');
    assert.deepEqual(f.ratios, [], 'no VM/bare-metal ratio without both cells');
  });

  test('scaling: VM vs bare metal per instance count, int8 speedup at the largest count', () => {
    const cells: CellSummary[] = [];
    for (const n of [1, 2, 3]) {
      for (const precision of ['fp32', 'int8'] as const) {
        const k = precision === 'int8' ? 3 : 1;
        cells.push(cell({ workload: 'scaling', precision, target: 'vm', configuration: `c${n + 2}`, instances: n, throughput_ips: 10 * n * k }));
        cells.push(cell({ workload: 'scaling', precision, target: 'baremetal', configuration: 'bm', instances: n, throughput_ips: 20 * k }));
      }
    }
    const f = buildFigure('scaling', cells);
    assert.equal(f.chart, 'line');
    assert.equal(f.points.length, 12);
    const texts = Object.fromEntries(f.ratios.map((r) => [r.label, r.text]));
    assert.equal(texts['VM / bare metal, fp32, 1 instance'], '0.50x');
    assert.equal(texts['VM / bare metal, int8, 3 instances'], '1.50x');
    assert.equal(texts['int8 speedup over fp32, VM, 3 instances'], '3.00x');
  });

  test('multistream labels the bars with the batch found', () => {
    const f = buildFigure('multistream', [cell({ workload: 'multistream', batch: 12, throughput_ips: 300, multistream: { bound_ms: 33.3, statistic: 'mean', batch_found: 12, probes: [] } })]);
    assert.equal(f.points[0]?.label, 'batch 12');
    assert.equal(f.table.rows[0]?.[6], 'mean <= 33.3 ms');
  });

  test('a workload absent from the run gives an empty figure, in the paper order', () => {
    const figures = buildFigures(sampleSummary(partial));
    assert.deepEqual(figures.map((f) => f.workload), ['latency', 'throughput', 'scaling', 'multistream']);
    assert.equal(figures[3]?.cells, 0);
    assert.equal(figures[3]?.points.length, 0);
    assert.equal(buildFigures(sampleSummary(cascadelake)).reduce((s, f) => s + f.points.length, 0), 44);
  });

  test('several configurations of one workload get their own bar groups', () => {
    const f = buildFigure('latency', [cell({ configuration: 'c1', latency_ms: lat(10) }), cell({ configuration: 'c2', latency_ms: lat(12) })]);
    assert.deepEqual(f.points.map((p) => p.group), ['fp32 c1', 'fp32 c2']);
  });
});

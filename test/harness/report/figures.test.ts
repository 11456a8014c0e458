import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildFigure, buildFigures } from '../../../harness/report/figures.js';
import { cascadelake, partial, sampleSummary, skylake } from '../../fixtures/runs/sample-run.js';

describe('buildFigure', () => {
  const summary = sampleSummary(partial);
  test('points carry the mean and its 95% interval over trials', () => {
    const f = buildFigure('latency', summary.cells, summary.comparisons);
    assert.equal(f.points.length, 4);
    for (const p of f.points) {
      assert.ok(p.low < p.value && p.value < p.high, `${p.key}: ${p.low} < ${p.value} < ${p.high}`);
      assert.equal(p.trials, 5);
    }
    assert.equal(f.metric.better, 'lower');
  });

  test('ratios are the comparison records of the workload; only faster/slower are emphasized', () => {
    const f = buildFigure('throughput', summary.cells, summary.comparisons);
    const records = summary.comparisons.filter((c) => c.workload === 'throughput');
    assert.deepEqual(f.ratios.map((r) => r.text), records.map((c) => c.reason));
    for (const r of f.ratios) assert.equal(r.emphasized, r.verdict === 'faster' || r.verdict === 'slower', r.label);
    const noisy = f.ratios.find((r) => r.label === 'VM vs bare metal, int8');
    assert.equal(noisy?.verdict, 'inconclusive');
    assert.match(noisy?.text ?? '', /^inconclusive: the VM cell is noisy/);
  });

  test('failed cells are rows with their reason but not chart points', () => {
    const f = buildFigure('scaling', summary.cells, summary.comparisons);
    assert.equal(f.failed, 1);
    assert.equal(f.points.length, f.cells - 1);
    assert.ok(f.table.rows.some((r) => /^FAILED: vm-c4-2: agent exited with code 137/.test(r.at(-1) ?? '')));
    assert.ok(f.table.rows.some((r) => r.at(-1) === 'INVALID: start skew exceeded the allowed fraction of the window'));
  });

  test('multistream labels the bars with the batch found', () => {
    const s = sampleSummary(skylake);
    const f = buildFigure('multistream', s.cells, s.comparisons);
    assert.match(f.points[0]?.label ?? '', /^batch \d+$/);
  });

  test('a workload absent from the run gives an empty figure, in the paper order', () => {
    const figures = buildFigures(sampleSummary(partial));
    assert.deepEqual(figures.map((f) => f.workload), ['latency', 'throughput', 'scaling', 'multistream']);
    assert.equal(figures[3]?.cells, 0);
    assert.equal(figures[3]?.points.length, 0);
    assert.equal(buildFigures(sampleSummary(cascadelake)).reduce((s, f) => s + f.points.length, 0), 44);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTables } from '../../../harness/report/tables.js';
import { runComparisons } from '../../../harness/results/comparisons.js';
import type { RunSummary } from '../../../harness/results/types.js';
import { partial, sampleSummary, skylake } from '../../fixtures/runs/sample-run.js';

describe('renderTables', () => {
  const summary = sampleSummary(partial);
  const text = renderTables(summary).join('\n\n');
  it('shows each side as mean ± 95% CI and the verdict of VM vs bare metal', () => {
    assert.match(text, /Single image latency \(batch 1, lower is better; mean ± 95% CI over trials\)/);
    assert.match(text, /│ fp32\s+│ 1\s+│ \d+\.\d ± \d\.\d+ \(\d+ threads\)/);
    assert.match(text, /Throughput scaling/);
    assert.match(text, /int8 vs fp32/);
  });
  it('says NOISY / INVALID / FAILED with reasons in words, and inconclusive next to a noisy side', () => {
    assert.match(text, /throughput\/int8\/vm\/c2: NOISY: trial 3: 12% of batches were outliers/);
    assert.match(text, /scaling\/fp32\/baremetal\/n2: INVALID: start skew exceeded the allowed fraction of the window/);
    assert.match(text, /scaling\/int8\/vm\/c4: FAILED: vm-c4-2: agent exited with code 137/);
    assert.match(text, /inconclusive: the VM cell is noisy/);
    assert.doesNotMatch(text, /skew_exceeds/, 'no flag codes');
  });
  it('prints the comparison records, not a ratio of its own', () => {
    const marked: RunSummary = { ...summary, comparisons: summary.comparisons.map((c) => (c.kind === 'vm_vs_baremetal' && c.workload === 'latency' && c.precision === 'fp32' ? { ...c, verdict: 'slower', headline: 'SENTINEL slower', ci_text: 'CI from the record', ratio: 1.5, ci95: [1.4, 1.6] } : c)) };
    assert.match(renderTables(marked).join('\n'), /SENTINEL slower \(CI from the record\)/);
  });
  it('names the local provider caveat next to every VM vs bare metal verdict', () => {
    const s = sampleSummary(skylake);
    const local: RunSummary = { ...s, comparisons: runComparisons(s.cells, { vmNote: 'local provider: CPU partitions' }) };
    const latency = renderTables(local)[0] ?? '';
    assert.equal((latency.match(/†/g) ?? []).length, 3, 'fp32 and int8 rows marked, and the note');
    assert.match(latency, /\n† local provider: CPU partitions$/);
    assert.doesNotMatch(renderTables(s).join('\n'), /CPU partitions/);
  });
});

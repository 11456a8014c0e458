import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, renderCsv } from '../../../harness/report/csv.js';
import { partial, sampleSummary } from '../../fixtures/runs/sample-run.js';

test('csv fields are quoted only when needed', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField(null), '');
  assert.equal(csvField(12.5), '12.5');
});

test('one row per cell; a failed cell carries its error', () => {
  const summary = sampleSummary(partial);
  const lines = renderCsv(summary).trimEnd().split('\r\n');
  assert.equal(lines.length, summary.cells.length + 1);
  const header = lines[0]?.split(',') ?? [];
  assert.equal(header[0], 'run_id');
  const failed = lines.find((l) => l.includes('scaling/int8/vm/c4'));
  assert.ok(failed?.endsWith(',vm-c4-2: agent exited with code 137 (out of memory) during warmup'));
  assert.ok(failed?.includes(',failed,FAILED,'));
  const noisy = lines.find((l) => l.includes('throughput/int8/vm/c2'));
  assert.ok(noisy?.includes(',completed,NOISY,trial 3: 12% of batches were outliers'), noisy);
});

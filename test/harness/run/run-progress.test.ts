import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitLine } from '../../../harness/log.js';
import { formatEta, RunProgress } from '../../../harness/run/run-progress.js';

test('the bar counts finished cells and the measured share of the current one', () => {
  const progress = new RunProgress({ estimates: [10, 10, 10, 10], barWidth: 8, now: () => 0 });
  progress.startCell(0, 'latency/1/fp32/vm');
  progress.setPhase('start agents');
  assert.equal(progress.render(), '[........] 1/4 latency/1/fp32/vm: start agents  ETA 40s');
  progress.endCell();
  progress.startCell(1, 'latency/1/fp32/baremetal');
  progress.setSteps('measure', 50, 100);
  assert.equal(progress.render(), '[###.....] 2/4 latency/1/fp32/baremetal: measure 50/100  ETA 30s');
});

test('the ETA moves within a cell and rescales by the time finished cells really took', () => {
  let now = 0;
  const progress = new RunProgress({ estimates: [10, 10, 10], now: () => now });
  progress.startCell(0, 'a');
  assert.equal(progress.etaSeconds(), 30);
  now = 4_000;
  assert.equal(progress.etaSeconds(), 26, 'four seconds into the first cell');
  now = 20_000;
  progress.endCell();
  progress.startCell(1, 'b');
  assert.equal(progress.etaSeconds(), 40, 'the first cell took twice its estimate: so will the rest');
  now = 25_000;
  assert.equal(progress.etaSeconds(), 35);
});

test('formatEta and fitLine', () => {
  assert.equal(formatEta(5), '5s');
  assert.equal(formatEta(125), '2m 05s');
  assert.equal(formatEta(3725), '1h 02m');
  assert.equal(fitLine('abcdef', 4), 'abc');
  assert.equal(fitLine('abcdef', 0), 'abcdef', 'a terminal reporting 0 columns keeps the last character');
  assert.equal(fitLine('abcdef', undefined), 'abcdef');
});

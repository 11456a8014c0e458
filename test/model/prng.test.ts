import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../model/prng.js';

test('the same seed and stream give the same numbers; pinned so a change is noticed', () => {
  const a = new Prng(1, 'weights');
  const b = new Prng(1, 'weights');
  const first = Array.from({ length: 4 }, () => a.nextUint32());
  assert.deepEqual(first, Array.from({ length: 4 }, () => b.nextUint32()));
  // Golden values: the generator must not change, or every model's bytes would.
  assert.deepEqual(first, PINNED);
});

test('different seeds or streams give different sequences', () => {
  const base = new Prng(1, 'x').nextUint32();
  assert.notEqual(new Prng(2, 'x').nextUint32(), base);
  assert.notEqual(new Prng(1, 'y').nextUint32(), base);
});

test('uniform() stays in [0, 1) and covers it evenly', () => {
  const p = new Prng(7);
  const bins = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const u = p.uniform();
    assert.ok(u >= 0 && u < 1);
    bins[Math.floor(u * 10)]!++;
  }
  for (const count of bins) assert.ok(count > 9_000 && count < 11_000, `bin count ${count}`);
});

const PINNED = [2272310945, 3014197354, 1834431154, 2271880325];

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticImages } from '../../model/synthetic-images.js';

test('images are deterministic, sized count x C x H x W, and image k depends only on (seed, k)', () => {
  const a = syntheticImages(5, 3, [3, 32, 32]);
  assert.equal(a.length, 5 * 3 * 32 * 32);
  assert.deepEqual(syntheticImages(5, 3, [3, 32, 32]), a);
  assert.deepEqual(syntheticImages(2, 3, [3, 32, 32]), a.subarray(0, 2 * 3 * 32 * 32));
  assert.notDeepEqual(syntheticImages(5, 4, [3, 32, 32]), a);
});

test('values look like normalized images: finite, near zero mean, unit-ish spread, and images differ', () => {
  const n = 8;
  const per = 3 * 64 * 64;
  const x = syntheticImages(n, 1, [3, 64, 64]);
  let s = 0;
  let s2 = 0;
  for (const v of x) {
    assert.ok(Number.isFinite(v));
    s += v;
    s2 += v * v;
  }
  const mean = s / x.length;
  const std = Math.sqrt(s2 / x.length - mean * mean);
  assert.ok(Math.abs(mean) < 0.6, `mean ${mean}`);
  assert.ok(std > 0.5 && std < 2.5, `std ${std}`);
  const imageMeans = Array.from({ length: n }, (_, i) => x.subarray(i * per, (i + 1) * per).reduce((a, b) => a + b, 0) / per);
  assert.ok(new Set(imageMeans.map((m) => m.toFixed(3))).size === n, 'every image has its own colour balance');
});

test('bad shapes are refused', () => {
  assert.throws(() => syntheticImages(1, 1, [3, 32]), /\[C, H, W\]/);
  assert.throws(() => syntheticImages(-1, 1, [3, 8, 8]), /count/);
});

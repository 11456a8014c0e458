import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topK } from '../../../harness/infer/top-k.js';

describe('topK', () => {
  it('returns the best indices first, within a row of a batch', () => {
    const logits = new Float32Array([9, 9, 9, 0.1, 0.5, 0.3, 0.9, 0.2, 0.9]);
    assert.deepEqual(topK(logits, 3, 3, 6), [3, 5, 1]);
    assert.deepEqual(topK(logits, 1, 0, 3), [0]);
    assert.deepEqual(topK(new Float32Array([1, 2]), 5), [1, 0]);
  });
});

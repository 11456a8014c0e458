import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threadCandidates } from '../../../harness/run/thread-candidates.js';

describe('threadCandidates', () => {
  it('tries powers of two up to the vCPUs, and the vCPUs', () => {
    assert.deepEqual(threadCandidates(1), [1]);
    assert.deepEqual(threadCandidates(2), [1, 2]);
    assert.deepEqual(threadCandidates(48), [1, 2, 4, 8, 16, 32, 48]);
  });
  it('caps an explicit list at the vCPUs', () => {
    assert.deepEqual(threadCandidates(4, [8, 2, 4, 2]), [2, 4]);
    assert.deepEqual(threadCandidates(2, [8, 16]), [8]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchMultistreamBatch } from '../../../harness/run/multistream-search.js';

// A fake machine: 5 ms fixed cost + 3 ms per image.
const linear = (batch: number) => ({ latencyMs: 5 + 3 * batch, throughputIps: (1000 * batch) / (5 + 3 * batch) });

describe('multistream batch search', () => {
  it('finds the largest batch within the bound with exponential then binary probes', async () => {
    const tried: number[] = [];
    const result = await searchMultistreamBatch({
      boundMs: 33.3,
      maxBatch: 1024,
      probe: async (b) => {
        tried.push(b);
        return linear(b);
      },
    });
    // 5 + 3b <= 33.3 -> b <= 9.43
    assert.equal(result.batch, 9);
    assert.deepEqual(tried.slice(0, 5), [1, 2, 4, 8, 16]);
    assert.deepEqual(tried.slice(5), [12, 10, 9]);
    assert.equal(result.probes.length, tried.length);
    assert.deepEqual(result.probes.map((p) => p.withinBound), [true, true, true, true, false, false, false, true]);
  });

  it('stops at maxBatch when everything is within the bound', async () => {
    const tried: number[] = [];
    const result = await searchMultistreamBatch({ boundMs: 1e9, maxBatch: 20, probe: async (b) => (tried.push(b), linear(b)) });
    assert.equal(result.batch, 20);
    assert.deepEqual(tried, [1, 2, 4, 8, 16, 20]);
  });

  it('returns 0 when batch 1 already exceeds the bound', async () => {
    const result = await searchMultistreamBatch({ boundMs: 1, maxBatch: 64, probe: async (b) => linear(b) });
    assert.equal(result.batch, 0);
    assert.equal(result.probes.length, 1);
  });

  it('validates its options', async () => {
    await assert.rejects(searchMultistreamBatch({ boundMs: 0, maxBatch: 4, probe: async (b) => linear(b) }), /boundMs/);
    await assert.rejects(searchMultistreamBatch({ boundMs: 5, maxBatch: 0, probe: async (b) => linear(b) }), /maxBatch/);
  });
});

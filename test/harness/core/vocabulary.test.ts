import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPrecision, isWorkload, PRECISIONS, WORKLOAD_METRIC, WORKLOADS } from '../../../harness/core/vocabulary.js';

describe('the domain vocabulary', () => {
  it('gives every workload a headline metric with its direction', () => {
    for (const w of WORKLOADS) assert.ok(['lower', 'higher'].includes(WORKLOAD_METRIC[w].better), w);
    assert.equal(WORKLOAD_METRIC.latency.better, 'lower');
    assert.equal(WORKLOAD_METRIC.throughput.better, 'higher');
  });
  it('checks names against the lists', () => {
    assert.deepEqual([...PRECISIONS], ['fp32', 'int8']);
    assert.equal(isPrecision('fp16'), false);
    assert.equal(isWorkload('multistream'), true);
  });
});

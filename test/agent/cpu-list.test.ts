import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCpuList, parseCpuList } from '../../agent/cpu-list.js';

describe('cpu list', () => {
  it('parses ranges and singles, sorted and unique', () => {
    assert.deepEqual(parseCpuList('0-3,8,2'), [0, 1, 2, 3, 8]);
    assert.deepEqual(parseCpuList(' 5\n'), [5]);
    assert.deepEqual(parseCpuList(''), []);
  });
  it('rejects malformed lists, naming the text', () => {
    assert.throws(() => parseCpuList('0-'), /"0-"/);
    assert.throws(() => parseCpuList('3-1'), /3-1/);
  });
  it('formats back to the compact form', () => {
    assert.equal(formatCpuList([8, 0, 1, 2, 3, 10, 11]), '0-3,8,10-11');
    assert.equal(formatCpuList([4]), '4');
    assert.deepEqual(parseCpuList(formatCpuList([1, 5, 6, 7, 9])), [1, 5, 6, 7, 9]);
  });
});

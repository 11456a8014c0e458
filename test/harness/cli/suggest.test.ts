import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest, editDistance } from '../../../harness/cli/suggest.js';

test('editDistance counts insertions, deletions, substitutions and transpositions', () => {
  assert.equal(editDistance('rn', 'run'), 1);
  assert.equal(editDistance('presicion', 'precision'), 2);
  assert.equal(editDistance('reprot', 'report'), 1);
  assert.equal(editDistance('plan', 'plan'), 0);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('closest: a typo or a prefix, never a far-off name', () => {
  const names = ['run', 'plan', 'report', 'compare', 'probe', 'inventory'];
  assert.equal(closest('rn', names), 'run');
  assert.equal(closest('inv', names), 'inventory');
  assert.equal(closest('prbe', names), 'probe');
  assert.equal(closest('xyzzy', names), undefined);
  assert.equal(closest('destroy', names), undefined);
});

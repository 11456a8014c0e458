import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UsageError } from '../../../harness/errors.js';
import { checkSummary, loadRun } from '../../../harness/report/run-files.js';
import { partial, writeSampleRun } from '../../fixtures/runs/sample-run.js';

describe('run files', () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vh-runfiles-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('a bad cell names the file, the key path and the value', () => {
    assert.throws(() => checkSummary('s.json', { cells: [{ workload: 'latency', precision: 'fp16', target: 'vm', status: 'completed' }] }), {
      message: 's.json: cells[0].precision: expected one of fp32|int8, got "fp16"',
    });
    assert.throws(() => checkSummary('s.json', { cells: {} }), { message: 's.json: cells: expected an array, got {}' });
  });

  test('missing optional fields get defaults', () => {
    const s = checkSummary('s.json', { cells: [{ workload: 'scaling', precision: 'int8', target: 'baremetal', status: 'failed', configuration: 'bm', instances: 2, batch: 1, threads: 1 }] });
    const c = s.cells[0];
    assert.equal(c?.valid, false);
    assert.deepEqual(c?.flags, []);
    assert.equal(c?.throughput_ips, null);
    assert.equal(c?.key, 'scaling/int8/baremetal/bm');
  });

  test('loadRun: a run without manifest loads; a directory without summary is a usage error', async () => {
    const dir = await writeSampleRun(join(tmp, 'p'), partial, { manifest: false });
    const run = await loadRun(dir);
    assert.equal(run.manifest, null);
    assert.equal(run.summary.cells.length, 16);
    await assert.rejects(loadRun(tmp), (e: unknown) => e instanceof UsageError && /has no summary\.json/.test(e.message));
    await assert.rejects(loadRun(join(tmp, 'nope')), (e: unknown) => e instanceof UsageError && /run directory not found/.test(e.message));
    await writeFile(join(tmp, 'p', 'summary.json'), '{"cells": [');
    await assert.rejects(loadRun(dir), /summary\.json: not valid JSON/);
  });
});

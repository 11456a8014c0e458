import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UsageError } from '../../../harness/errors.js';
import { checkSummary, loadRun } from '../../../harness/results/run-reader.js';
import { partial, writeSampleRun } from '../../fixtures/runs/sample-run.js';

describe('the run directory reader', () => {
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

  test('a completed cell without statistics over trials is refused with its key path', () => {
    const cell = { key: 'k', workload: 'scaling', precision: 'int8', target: 'baremetal', status: 'completed', validity: 'valid', configuration: 'bm', instances: 2, batch: 1, threads: 1, repeats: 3, per_instance: [], trials: [], throughput_ips: 12.5 };
    assert.throws(() => checkSummary('s.json', { cells: [cell] }), /s\.json: cells\[0\]\.throughput_ips: expected \{n, mean, sd, cv, ci95\}/);
    const failed = { ...cell, status: 'failed' };
    assert.throws(() => checkSummary('s.json', { cells: [failed] }), /cells\[0\]\.error: expected the reason/);
    assert.equal(checkSummary('s.json', { cells: [{ ...failed, error: 'boom' }] }).cells[0]?.status, 'failed');
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

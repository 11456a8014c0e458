// The bench end to end in --quick mode on a tiny generated model (so it cannot rot unnoticed):
// every section prints, ratios are numbers, --markdown writes the report. Speeds are not checked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { writeTinyModel } from '../agent/tiny-onnx-fixture.js';

const runJs = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

describe('bench', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vharness-bench-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every section on a tiny model and writes the markdown report', async () => {
    const model = join(dir, 'tiny.onnx');
    writeTinyModel(model);
    const markdown = join(dir, 'bench.md');
    const args = [runJs, '--quick', '--fp32', model, '--threads', '1', '--cache-dir', dir, '--markdown', markdown];
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VHARNESS_CACHE: dir } });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      child.once('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^machine: .+ cores, .+ threads/m);
    assert.match(stdout, /^model fp32: tiny /m);
    assert.match(stdout, /^model int8: tiny /m);
    assert.match(stdout, /^ {4}fp32: infer [\d.]+ img\/s, bare [\d.]+ img\/s -> \d+\.\d{3} (met|MISSED)$/m);
    assert.match(stdout, /^ {4}int8: infer [\d.]+ img\/s, bare [\d.]+ img\/s -> \d+\.\d{3} (met|MISSED)$/m);
    assert.match(stdout, /^ {4}batch 1: .+ -> \d+\.\d{2}x (met|MISSED)$/m);
    assert.match(stdout, /^ {4}batch 32: .+ -> \d+\.\d{2}x (met|MISSED)$/m);
    assert.match(stdout, /^\(c\) .+\n {4}(fp32: batch 32 [\d.]+ GFLOP\/s = [\d.]+%|skipped: no AVX-512|peak probe failed)/m);
    assert.match(stdout, /^\(d\) .+\n {4}skipped/m);
    assert.equal(readFileSync(markdown, 'utf8'), `\`\`\`\n${stdout.trimEnd()}\n\`\`\`\n`);
  });
});

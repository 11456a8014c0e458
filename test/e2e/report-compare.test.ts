// `vharness compare` and `vharness report --format` spawned as the user runs them.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cascadelake, partial, skylake, writeSampleRun } from '../fixtures/runs/sample-run.js';
import { runCli, type CliRun } from '../cli-process.js';


const vharness = (args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> => runCli(args, { env });

describe('vharness compare / report formats', { timeout: 240_000 }, () => {
  let tmp: string;
  let dirs: { a: string; b: string; p: string };
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vh-compare-'));
    dirs = { a: await writeSampleRun(join(tmp, 'a'), skylake), b: await writeSampleRun(join(tmp, 'b'), cascadelake), p: await writeSampleRun(join(tmp, 'p'), partial) };
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('compare prints the matched cells with B/A ratios and lists unmatched ones', async () => {
    const r = await vharness(['compare', dirs.a, dirs.p]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /latency +│ fp32 +│ VM +│ 1 +│ 1 +│ 1 +│ [\d.]+ +│ [\d.]+ +│ [\d.]+x/);
    assert.match(r.stdout, /only in A \(\d+\):\n {2}scaling\/fp32\/vm\/c5/);
    assert.match(r.stdout, /B invalid/);
    assert.doesNotMatch(r.stdout, /only in B/);
  });

  test('compare --json across precisions, and --html writes the side-by-side view', async () => {
    const html = join(tmp, 'cmp.html');
    const r = await vharness(['compare', dirs.a, dirs.b, '--a-precision', 'fp32', '--b-precision', 'int8', '--json', '--html', html]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { crossPrecision: boolean; pairs: { match: string; speedup: number }[] };
    assert.equal(json.crossPrecision, true);
    assert.equal(json.pairs.length, 22);
    assert.ok(json.pairs.every((p) => p.match.includes('/fp32>int8/')));
    const page = await readFile(html, 'utf8');
    assert.equal((page.match(/<section class="compare"/g) ?? []).length, 4);
    assert.equal((page.match(/data-chart=/g) ?? []).length, 8, 'A and B chart for each of the four figures');
    assert.match(page, /fp32 &gt; int8/);
  });

  test('compare usage errors', async () => {
    const one = await vharness(['compare', dirs.a]);
    assert.equal(one.code, 2);
    assert.match(one.stderr, /Expected two run directories/);
    const half = await vharness(['compare', dirs.a, dirs.b, '--a-precision', 'fp32']);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /Give both --a-precision and --b-precision/);
    const bad = await vharness(['compare', dirs.a, dirs.b, '--a-precision', 'fp16', '--b-precision', 'int8']);
    assert.match(bad.stderr, /Expected --a-precision to be fp32 or int8, got 'fp16'/);
  });

  test('report --format md / csv / json and --out', async () => {
    const md = await vharness(['report', dirs.p, '--format', 'md']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^# vharness report: 2026-11-26T10-00-00Z-partial/);
    assert.match(md.stdout, /\| int8 \| VM \| 4 \| 2 \| 12 \| - \| - \| - \| - \| - \| failed: vm-c4-2/);
    assert.match(md.stdout, /_Not in this run \(no multistream cells\)\._/);
    const out = join(tmp, 'cells.csv');
    const csv = await vharness(['report', dirs.p, '--format', 'csv', '--out', out]);
    assert.equal(csv.stdout, '');
    assert.equal((await readFile(out, 'utf8')).trimEnd().split('\r\n').length, 17);
    const json = JSON.parse((await vharness(['report', dirs.b, '--format', 'json'])).stdout) as { figures: { workload: string; points: unknown[] }[] };
    assert.deepEqual(json.figures.map((f) => f.points.length), [4, 4, 32, 4]);
  });

  test('report --open without xdg-open prints the path; --open with md is refused', async () => {
    const r = await vharness(['report', dirs.a, '--open'], { ...process.env, PATH: tmp });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), join(dirs.a, 'report.html'));
    assert.doesNotMatch(r.stderr, /opening/);
    const md = await vharness(['report', dirs.a, '--open', '--format', 'md']);
    assert.equal(md.code, 2);
    assert.match(md.stderr, /--open works with --format html only/);
  });
});

describe('report and compare take a run id as well as a directory', { timeout: 240_000 }, () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vh-run-id-'));
    await writeSampleRun(join(tmp, 'results', 'run-a'), skylake);
    await writeSampleRun(join(tmp, 'results', 'run-b'), cascadelake);
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('ids under ./results (the cwd) or --results-dir', async () => {
    const byId = await runCli(['report', 'run-a', '--format', 'csv'], { cwd: tmp });
    assert.equal(byId.code, 0, byId.stderr);
    const byDir = await runCli(['report', join(tmp, 'results', 'run-a'), '--format', 'csv']);
    assert.equal(byId.stdout, byDir.stdout);
    const compared = await runCli(['compare', 'run-a', 'run-b', '--results-dir', join(tmp, 'results'), '--json']);
    assert.equal(compared.code, 0, compared.stderr);
    assert.ok((JSON.parse(compared.stdout) as { pairs: unknown[] }).pairs.length > 0);
    const missing = await runCli(['report', 'no-such-run'], { cwd: tmp });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /run not found: 'no-such-run' is neither a directory nor a run id under /);
  });
});

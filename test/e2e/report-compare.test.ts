// `vharness compare` and `vharness report --format` spawned as the user runs them.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  test('compare prints the matched cells with B vs A verdicts and intervals, caveats first, and lists unmatched ones', async () => {
    const r = await vharness(['compare', dirs.a, dirs.p]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /caveat: CPU models differ: A Intel\(R\) Xeon\(R\) Platinum 8160 CPU @ 2\.10GHz; B AMD EPYC 7B13/);
    assert.match(r.stdout, /latency +│ fp32 +│ VM +│ 1 +│ 1 +│ 1 +│ ms +│ [\d.]+ ± [\d.]+ +│ [\d.]+ ± [\d.]+ +│ B is [\d.]+(%|x) slower than A/);
    assert.match(r.stdout, /only in A \(\d+\):\n {2}scaling\/fp32\/vm\/c5/);
    assert.match(r.stdout, /INVALID/);
    assert.match(r.stdout, /inconclusive: the B cell is noisy/);
    assert.doesNotMatch(r.stdout, /only in B/);
  });

  test('compare refuses runs of different models (exit 2) unless --force; a run against itself is a caveat', async () => {
    const other = await writeSampleRun(join(tmp, 'other-model'), cascadelake);
    const summaryFile = join(other, 'summary.json');
    const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as { model: { fp32: { sha256: string } } };
    summary.model.fp32.sha256 = 'c'.repeat(64);
    await writeFile(summaryFile, JSON.stringify(summary));
    const refused = await vharness(['compare', dirs.a, other]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /the runs are not comparable:\nerror: {3}- the fp32 models differ \(sha256 aaaaaaaaaaaa\.\.\. in A, cccccccccccc\.\.\. in B\)/);
    assert.match(refused.stderr, /--force/);
    assert.equal(refused.stdout, '', 'nothing half-printed');
    const forced = await vharness(['compare', dirs.a, other, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /NOT COMPARABLE \(--force\): the fp32 models differ/);
    const self = await vharness(['compare', dirs.a, dirs.a, '--json']);
    const json = JSON.parse(self.stdout) as { caveats: string[]; comparisons: { verdict: string }[] };
    assert.ok(json.caveats.some((c) => /same run directory/.test(c)));
    assert.ok(json.comparisons.every((c) => c.verdict === 'no_difference' || c.verdict === 'inconclusive'), 'a run never differs from itself');
  });

  test('compare --json across precisions, and --html writes the side-by-side view', async () => {
    const html = join(tmp, 'cmp.html');
    const r = await vharness(['compare', dirs.a, dirs.b, '--a-precision', 'fp32', '--b-precision', 'int8', '--json', '--html', html]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { crossPrecision: boolean; comparisons: { match: string; kind: string; ci95: [number, number] | null; verdict: string }[] };
    assert.equal(json.crossPrecision, true);
    assert.equal(json.comparisons.length, 22);
    assert.ok(json.comparisons.every((p) => p.match.includes('/fp32>int8/') && p.kind === 'run_b_vs_run_a'));
    assert.ok(json.comparisons.some((p) => p.verdict === 'faster' && p.ci95 !== null));
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
    assert.match(md.stdout, /\| int8 \| VM \| 4 \| 2 \| 12 \| 2\/5 \| - \| - \| - \| - \| - \| - \| FAILED: vm-c4-2/);
    assert.match(md.stdout, /- VM vs bare metal, int8: inconclusive: the VM cell is noisy/);
    assert.match(md.stdout, /_Not in this run \(no multistream cells\)\._/);
    const out = join(tmp, 'cells.csv');
    const csv = await vharness(['report', dirs.p, '--format', 'csv', '--out', out]);
    assert.equal(csv.stdout, '');
    assert.equal((await readFile(out, 'utf8')).trimEnd().split('\r\n').length, 17);
    const json = JSON.parse((await vharness(['report', dirs.b, '--format', 'json'])).stdout) as { figures: { workload: string; points: unknown[] }[]; comparisons: { kind: string }[] };
    assert.deepEqual(json.figures.map((f) => f.points.length), [4, 4, 32, 4]);
    assert.ok(json.comparisons.some((c) => c.kind === 'vm_vs_baremetal'));
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
    assert.ok((JSON.parse(compared.stdout) as { comparisons: unknown[] }).comparisons.length > 0);
    const missing = await runCli(['report', 'no-such-run'], { cwd: tmp });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /run not found: 'no-such-run' is neither a directory nor a run id under /);
  });
});

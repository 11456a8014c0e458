// The HTML report opened in headless Chromium: every chart rendered with its data, the facts
// and failures shown, and no request leaving the page.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildFigures } from '../../harness/report/figures.js';
import { cascadelake, partial, sampleSummary, writeSampleRun } from '../fixtures/runs/sample-run.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin', 'vharness.js');
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface ChartCheck {
  workload: string;
  kind: string;
  points: number;
  bars: number;
  symbols: number;
  /** Error bars (95% CI) drawn, and how many of them have a visible length. */
  errorbars: number;
  errorbarsWithLength: number;
  /** Pixel heights of the bars and of the error bars, in data order. */
  barHeights: number[];
  errorbarHeights: number[];
  texts: string[];
  svgText: string;
}

describe('report.html in headless Chromium', { timeout: 300_000 }, () => {
  let tmp: string;
  let profile: string;
  let context: BrowserContext;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vh-report-'));
    profile = await mkdtemp(join(tmpdir(), 'vh-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs, viewport: { width: 1400, height: 900 } });
  });

  after(async () => {
    await context?.close();
    await rm(profile, { recursive: true, force: true });
    await rm(tmp, { recursive: true, force: true });
  });

  async function openReport(file: string) {
    const own = pathToFileURL(file).href;
    const foreign: string[] = [];
    const page = await context.newPage();
    await page.route('**/*', async (route) => {
      if (route.request().url() === own) return route.continue();
      foreign.push(route.request().url());
      return route.abort();
    });
    page.on('request', (request) => {
      if (request.url() !== own) foreign.push(request.url());
    });
    await page.goto(own);
    const charts = await page.$$eval('[data-chart]', (nodes) =>
      nodes.map((node) => ({
        workload: node.getAttribute('data-chart') ?? '',
        kind: node.getAttribute('data-kind') ?? '',
        points: Number(node.getAttribute('data-points')),
        bars: node.querySelectorAll('g.mark-rect.role-mark path').length,
        symbols: node.querySelectorAll('g.mark-symbol.role-mark path').length,
        errorbars: node.querySelectorAll('g.mark-rule.role-mark.errorbars_marks line').length,
        errorbarsWithLength: [...node.querySelectorAll('g.mark-rule.role-mark.errorbars_marks line')].filter((l) => (l as unknown as { getBBox(): { height: number } }).getBBox().height > 0.5).length,
        barHeights: [...node.querySelectorAll('g.mark-rect.role-mark path')].map((b) => (b as unknown as { getBBox(): { height: number } }).getBBox().height),
        errorbarHeights: [...node.querySelectorAll('g.mark-rule.role-mark.errorbars_marks line')].map((l) => (l as unknown as { getBBox(): { height: number } }).getBBox().height),
        texts: [...node.querySelectorAll('g.mark-text.role-mark text')].map((t) => t.textContent ?? ''),
        svgText: [...node.querySelectorAll('svg text')].map((t) => t.textContent ?? '').join('\n'),
      })),
    );
    const bodyText = await page.innerText('body');
    // Emphasis (bold) only on comparisons whose verdict is faster or slower.
    const ratios = await page.$$eval('ul.ratios li', (items) => items.map((li) => ({ verdict: li.getAttribute('data-verdict') ?? '', bold: li.querySelector('b') !== null })));
    return { page, charts: charts as ChartCheck[], bodyText, foreign, ratios };
  }

  test('a full run: four charts, one mark per data point, labels and numbers present', async () => {
    const dir = await writeSampleRun(join(tmp, 'full'), cascadelake);
    const { stdout } = await run(process.execPath, [bin, 'report', dir]);
    const file = stdout.trim();
    assert.equal(file, join(dir, 'report.html'));
    const html = await readFile(file, 'utf8');
    assert.doesNotMatch(html, /<script|https?:\/\/(?!vega\.github\.io\/schema|www\.w3\.org)/, 'no scripts, no links out');

    const { page, charts, bodyText, foreign, ratios } = await openReport(file);
    const figures = buildFigures(sampleSummary(cascadelake));
    assert.ok(ratios.length > 0);
    for (const r of ratios) assert.equal(r.bold, r.verdict === 'faster' || r.verdict === 'slower', `emphasis for ${r.verdict}`);
    assert.deepEqual(charts.map((c) => c.workload), ['latency', 'throughput', 'scaling', 'multistream']);
    for (const chart of charts) {
      const figure = figures.find((f) => f.workload === chart.workload);
      assert.ok(figure);
      assert.equal(chart.points, figure.points.length, `${chart.workload}: data-points`);
      assert.ok(chart.points > 0);
      if (chart.kind === 'bar') {
        assert.equal(chart.bars, chart.points, `${chart.workload}: one bar per point`);
        assert.deepEqual([...chart.texts].sort(), figure.points.map((p) => p.label).sort(), `${chart.workload}: value labels`);
      } else {
        assert.equal(chart.symbols, chart.points, `${chart.workload}: one symbol per point`);
      }
      assert.equal(chart.errorbars, chart.points, `${chart.workload}: one error bar per point`);
      assert.ok(chart.errorbarsWithLength > 0, `${chart.workload}: some interval is visible`);
      if (chart.kind === 'bar') {
        // Bars start at zero: error bar height / bar height = (high - low) / value.
        figure.points.forEach((p, i) => {
          const expected = ((p.high - p.low) / p.value) * (chart.barHeights[i] as number);
          assert.ok(Math.abs((chart.errorbarHeights[i] as number) - expected) < 1, `${chart.workload} ${p.key}: error bar ${chart.errorbarHeights[i]} px, CI ${expected} px`);
        });
      }
      assert.ok(chart.svgText.includes(figure.metric.label), `${chart.workload}: axis title`);
      assert.match(chart.svgText, /\bVM\b/);
      assert.match(chart.svgText, /bare metal/);
    }
    // the numbers beside the charts and the facts
    assert.match(bodyText, /int8 vs fp32, VM: int8 is \d+\.\d\dx faster than fp32 \(95% CI \d+\.\d\d-\d+\.\d\dx\)/);
    assert.match(bodyText, /VM vs bare metal, fp32: (VM is \d+\.\d% (slower|faster) than bare metal \(95% CI|no significant difference|inconclusive: )/);
    assert.match(bodyText, /Xeon\(R\) Platinum 8260/);
    assert.match(bodyText, /avx512_vnni/);
    assert.match(bodyText, /esxiVersion=7\.0\.0/);
    assert.match(bodyText, /Validity, noise and start skew/);
    // Labels a reader needs: the model named, the study cited, roles of the hosts, the multistream bars explained.
    assert.match(bodyText, /Inference of ResNet-50 v1\.5 \(synthetic weights\), fp32 vs int8/);
    assert.match(bodyText, /Optimize Virtualized Deep Learning Performance with New Intel Architectures" \(VMware, 2020\)/);
    assert.match(bodyText, /Single-image latency: fp32 vs int8, VM vs bare metal \(the study's Figures 2-4\)/);
    assert.match(bodyText, /largest batch that stayed within it/);
    assert.match(bodyText, /\nvm-c1-1\tvm\tvsphere/);
    assert.match(bodyText, /\nbm-cascadelake-01\tbaremetal\tbaremetal/);
    assert.match(bodyText, /\nesx-cascadelake-01\tESXi host\tvsphere/);
    assert.match(bodyText, /command\s+vharness run configs\/table3\.yaml/);
    assert.doesNotMatch(bodyText, /vharness vharness/);
    const scalingChart = charts.find((c) => c.workload === 'scaling');
    assert.match(scalingChart?.svgText ?? '', /precision \(int8 dashed\)/, 'the dashed int8 line has a legend');
    await page.screenshot({ path: join(tmp, 'full.png'), fullPage: true });
    await page.close();
    assert.deepEqual(foreign, [], 'no request other than the report itself');
  });

  test('a real run of configs/ci.yaml (latency and scaling only): its report.html charts what it measured', async () => {
    const results = join(tmp, 'results');
    const r = await run(process.execPath, [bin, 'run', join(root, 'configs', 'ci.yaml'), '--only', 'latency,scaling', '--precision', 'int8', '--results-dir', results, '--json'], { maxBuffer: 64 * 2 ** 20 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    const summary = JSON.parse(r.stdout) as { run_id: string; results_dir: string; cells: { workload: string; status: string }[] };
    const dir = join(results, summary.run_id);
    assert.equal(summary.results_dir, dir, 'run --json names the results directory');
    const { page, charts, bodyText, foreign } = await openReport(join(dir, 'report.html'));
    const completed = (w: string) => summary.cells.filter((c) => c.workload === w && c.status === 'completed').length;
    assert.ok(completed('latency') > 0, r.stderr);
    assert.deepEqual(
      charts.map((c) => [c.workload, c.points]),
      [['latency', completed('latency')], ['scaling', completed('scaling')]].filter(([, n]) => Number(n) > 0),
    );
    for (const chart of charts) {
      assert.equal(chart.kind === 'bar' ? chart.bars : chart.symbols, chart.points, chart.workload);
      assert.equal(chart.errorbars, chart.points, `${chart.workload}: error bars`);
    }
    assert.match(bodyText, /CPU partitions of one machine/, 'the local caveat next to VM vs bare metal');
    assert.match(bodyText, /Not in this run \(no throughput cells\)/);
    assert.match(bodyText, /Not in this run \(no multistream cells\)/);
    assert.match(bodyText, new RegExp(`vharness report: ${summary.run_id}`));
    await page.close();
    assert.deepEqual(foreign, []);
  });

  test('a partial run: missing workload, failed and invalid cells are shown, charts keep the rest', async () => {
    const dir = await writeSampleRun(join(tmp, 'partial'), partial, { manifest: false });
    const { stdout } = await run(process.execPath, [bin, 'report', dir]);
    const { page, charts, bodyText, foreign } = await openReport(stdout.trim());
    assert.deepEqual(charts.map((c) => c.workload), ['latency', 'throughput', 'scaling']);
    const scaling = charts.find((c) => c.workload === 'scaling');
    assert.equal(scaling?.points, 7, 'the failed scaling cell is not drawn');
    assert.equal(scaling?.symbols, 7);
    assert.match(bodyText, /Not in this run \(no multistream cells\)/);
    assert.match(bodyText, /scaling\/int8\/vm\/c4: vm-c4-2: agent exited with code 137/);
    assert.match(bodyText, /INVALID: start skew exceeded the allowed fraction of the window/);
    assert.match(bodyText, /NOISY: trial 3: 12% of batches were outliers/);
    assert.match(bodyText, /inconclusive: the VM cell is noisy/);
    assert.doesNotMatch(bodyText, /skew_exceeds/, 'reasons in words, not flag codes');
    assert.match(bodyText, /manifest\.json is missing/);
    assert.ok(charts.some((c) => c.svgText.includes('not VALID (faded)')), 'faded marks have a legend');
    assert.doesNotMatch(bodyText, /failed img\/s/);
    await page.close();
    assert.deepEqual(foreign, []);
  });
});

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
        texts: [...node.querySelectorAll('g.mark-text.role-mark text')].map((t) => t.textContent ?? ''),
        svgText: [...node.querySelectorAll('svg text')].map((t) => t.textContent ?? '').join('\n'),
      })),
    );
    const bodyText = await page.innerText('body');
    return { page, charts: charts as ChartCheck[], bodyText, foreign };
  }

  test('a full run: four charts, one mark per data point, labels and numbers present', async () => {
    const dir = await writeSampleRun(join(tmp, 'full'), cascadelake);
    const { stdout } = await run(process.execPath, [bin, 'report', dir]);
    const file = stdout.trim();
    assert.equal(file, join(dir, 'report.html'));
    const html = await readFile(file, 'utf8');
    assert.doesNotMatch(html, /<script|https?:\/\/(?!vega\.github\.io\/schema|www\.w3\.org)/, 'no scripts, no links out');

    const { page, charts, bodyText, foreign } = await openReport(file);
    const figures = buildFigures(sampleSummary(cascadelake));
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
      assert.ok(chart.svgText.includes(figure.metric.label), `${chart.workload}: axis title`);
      assert.match(chart.svgText, /\bVM\b/);
      assert.match(chart.svgText, /bare metal/);
    }
    // the numbers beside the charts and the facts
    assert.match(bodyText, /int8 speedup over fp32, VM: \d+\.\d\dx/);
    assert.match(bodyText, /VM overhead vs bare metal, fp32: [+-]\d+\.\d%/);
    assert.match(bodyText, /Xeon\(R\) Platinum 8260/);
    assert.match(bodyText, /avx512_vnni/);
    assert.match(bodyText, /esxiVersion=7\.0\.0/);
    assert.match(bodyText, /Validity and start skew/);
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
    for (const chart of charts) assert.equal(chart.kind === 'bar' ? chart.bars : chart.symbols, chart.points, chart.workload);
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
    assert.match(bodyText, /invalid: start skew above 5% of the window/);
    assert.doesNotMatch(bodyText, /skew_exceeds/, 'validity in words, not flag codes');
    assert.match(bodyText, /manifest\.json is missing/);
    assert.ok(charts.some((c) => c.svgText.includes('invalid (faded)')), 'faded marks have a legend');
    assert.doesNotMatch(bodyText, /failed img\/s/);
    await page.close();
    assert.deepEqual(foreign, []);
  });
});

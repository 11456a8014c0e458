// The side-by-side report of two runs: each figure of run A next to the same figure of run B
// on one value scale, with the B/A ratios of the matched cells underneath.
import { writeFile, rename } from 'node:fs/promises';
import type { RunSummary } from '../results/types.js';
import type { RunComparison, CompareOptions } from './compare-cells.js';
import { compareTextTable } from './compare-table.js';
import { figureChartHtml, ratiosHtml } from './figure-html.js';
import { buildFigures, type Figure } from './figures.js';
import { escapeHtml, htmlPage, htmlTable } from './html-page.js';

function onlyPrecision(summary: RunSummary, precision: string | undefined): RunSummary {
  return precision === undefined ? summary : { ...summary, cells: summary.cells.filter((c) => c.precision === precision) };
}

// Rounds a scale maximum up to 1, 2 or 5 times a power of ten so both charts read alike.
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  const m = value / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function column(label: string, runId: string, figure: Figure, chart: string): string {
  return `<div class="side-run" data-run="${escapeHtml(label)}"><h3>${escapeHtml(label)}: ${escapeHtml(runId)}</h3>${chart}${ratiosHtml(figure)}</div>`;
}

/** The HTML page comparing run A and run B. */
export async function renderCompareHtml(a: RunSummary, b: RunSummary, comparison: RunComparison, options: CompareOptions = {}, caveats: readonly string[] = []): Promise<string> {
  const figuresA = buildFigures(onlyPrecision(a, options.aPrecision));
  const figuresB = buildFigures(onlyPrecision(b, options.bPrecision));
  const parts: string[] = [`<h1>vharness compare</h1>`, `<p class="sub">A: ${escapeHtml(a.run_id)} &middot; B: ${escapeHtml(b.run_id)}${comparison.crossPrecision ? ` &middot; A ${escapeHtml(options.aPrecision ?? 'all')} vs B ${escapeHtml(options.bPrecision ?? 'all')}` : ''}. Ratios are B/A with 95% intervals; both charts of a figure share one scale.</p>`];
  if (caveats.length > 0) parts.push(`<ul class="caveats warn">${caveats.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`);
  for (const [i, figureA] of figuresA.entries()) {
    const figureB = figuresB[i] as Figure;
    const valueMax = niceMax(Math.max(0, ...figureA.points.map((p) => p.high), ...figureB.points.map((p) => p.high)) * 1.08);
    const chartA = await figureChartHtml(figureA, { valueMax, width: 320 });
    const chartB = await figureChartHtml(figureB, { valueMax, width: 320 });
    const table = compareTextTable(comparison, figureA.workload);
    parts.push(
      `<section class="compare" data-figure="${escapeHtml(figureA.workload)}"><h2>${escapeHtml(figureA.title)} (${escapeHtml(figureA.paper)})</h2>` +
        `<div class="pair">${column('A', a.run_id, figureA, chartA)}${column('B', b.run_id, figureB, chartB)}</div>` +
        (table.rows.length > 0 ? `<h3>B / A</h3>${htmlTable(table, 'ratios-table')}` : '<p class="empty">No matching cells for this figure.</p>') +
        '</section>',
    );
  }
  const only = (label: string, keys: string[]) => (keys.length === 0 ? '' : `<h3>Only in ${label}</h3><ul>${keys.map((k) => `<li>${escapeHtml(k)}</li>`).join('')}</ul>`);
  const unmatched = only('A', comparison.onlyA.map((c) => c.key)) + only('B', comparison.onlyB.map((c) => c.key));
  if (unmatched) parts.push(`<h2>Cells without a partner</h2>${unmatched}`);
  return htmlPage(`vharness compare ${a.run_id} vs ${b.run_id}`, parts.join('\n'));
}

/** Writes the comparison page to `file` atomically. */
export async function writeCompareHtml(file: string, a: RunSummary, b: RunSummary, comparison: RunComparison, options: CompareOptions = {}, caveats: readonly string[] = []): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, await renderCompareHtml(a, b, comparison, options, caveats));
  await rename(tmp, file);
}

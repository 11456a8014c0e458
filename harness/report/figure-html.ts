// One figure as HTML: the chart (SVG from Vega-Lite) with its numbers table and ratios beside
// it, or a line saying why there is no chart (workload not run, every cell failed).
import type { Figure } from './figures.js';
import { figureSpec, type FigureSpecOptions } from './figure-spec.js';
import { escapeHtml, htmlTable } from './html-page.js';
import { renderSvg } from './render-svg.js';

/** The chart of a figure, or an explanation; carries data-points for checks. */
export async function figureChartHtml(figure: Figure, options: FigureSpecOptions = {}): Promise<string> {
  if (figure.cells === 0) return `<p class="empty">Not in this run (no ${escapeHtml(figure.workload)} cells).</p>`;
  if (figure.points.length === 0) return `<p class="empty bad">No chart: all ${figure.cells} ${escapeHtml(figure.workload)} cells failed.</p>`;
  const svg = await renderSvg(figureSpec(figure, options));
  return `<div class="chart" data-chart="${escapeHtml(figure.workload)}" data-kind="${figure.chart}" data-points="${figure.points.length}" data-errorbars="${figure.points.filter((p) => p.high > p.low).length}">${svg}</div>`;
}

/** The comparisons of a figure (VM vs bare metal, int8 vs fp32, scaling): bold only for faster/slower. */
export function ratiosHtml(figure: Figure): string {
  if (figure.ratios.length === 0) return '';
  const items = figure.ratios.map((r) => {
    const text = r.emphasized ? `<b>${escapeHtml(r.text)}</b>` : `<span class="${r.verdict === 'inconclusive' ? 'warn' : ''}">${escapeHtml(r.text)}</span>`;
    const note = r.note === undefined ? '' : ` <span class="note">(${escapeHtml(r.note)})</span>`;
    return `<li data-verdict="${r.verdict}">${escapeHtml(r.label)}: ${text}${note}</li>`;
  });
  return `<ul class="ratios">${items.join('')}</ul>`;
}

/** A whole figure section of the single-run report. */
export async function figureSectionHtml(figure: Figure): Promise<string> {
  const header = `<header><h2>${escapeHtml(figure.title)} (${escapeHtml(figure.paper)})</h2>${figure.failed > 0 ? `<p class="bad">${figure.failed} of ${figure.cells} cells failed (see Failed cells).</p>` : ''}</header>`;
  const chart = await figureChartHtml(figure);
  const numbers = figure.cells === 0 ? '' : `<div class="side">${htmlTable(figure.table)}${ratiosHtml(figure)}</div>`;
  return `<section class="figure" data-figure="${escapeHtml(figure.workload)}">${header}${chart}${numbers}</section>`;
}

// A figure as a Vega-Lite spec: grouped bars (precision x target) or lines over instance
// counts, each with an error bar over the 95% CI of the mean over trials (layer `errorbars`);
// data inline so the rendered SVG needs nothing from the network.
import type { TopLevelSpec } from 'vega-lite';
import { PRECISIONS } from '../core/vocabulary.js';
import type { Figure } from './figures.js';

export interface FigureSpecOptions {
  /** Upper end of the value axis, to draw two runs on one scale. @default fitted to the data */
  valueMax?: number;
  /** Chart width in px. @default 380 */
  width?: number;
  /** Chart height in px. @default 240 */
  height?: number;
}

const targetColors = { domain: ['VM', 'bare metal'], range: ['#4c78a8', '#f58518'] };

/** The Vega-Lite spec of a figure; one bar, or one point, per figure point. */
export function figureSpec(figure: Figure, options: FigureSpecOptions = {}): TopLevelSpec {
  const width = options.width ?? 380;
  const height = options.height ?? 240;
  const yScale = options.valueMax === undefined ? { zero: true } : { domain: [0, options.valueMax], zero: true };
  const y = { field: 'value', type: 'quantitative', title: figure.metric.label, scale: yScale } as const;
  // The 95% CI of each point: a rule from low to high (zero length without an interval).
  const errorbars = { name: 'errorbars', mark: { type: 'rule', color: '#222', strokeWidth: 1.5 }, encoding: { y: { field: 'low', type: 'quantitative', title: '95% CI low' }, y2: { field: 'high', title: '95% CI high' } } } as const;
  // Faded marks are cells that are not VALID (invalid or noisy); the legend says so when the figure has any.
  const someInvalid = figure.points.some((p) => !p.valid);
  const opacity = {
    field: 'validity',
    type: 'ordinal',
    sort: ['valid', 'not VALID (faded)'],
    title: 'cell',
    scale: { domain: ['valid', 'not VALID (faded)'], range: [1, 0.4] },
    legend: someInvalid ? { symbolType: 'square', symbolFillColor: '#4c78a8', labelLimit: 0 } : null,
  } as const;
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: figure.title,
    width,
    height,
    background: 'white',
    config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12 } },
    data: { values: figure.points.map((p) => ({ ...p, validity: p.valid ? 'valid' : 'not VALID (faded)' })) },
  } as const;
  if (figure.chart === 'curve') {
    // The latency-throughput curve: one line per cell over its probes, the bound as a rule.
    const rule = figure.reference
      ? [{ mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { datum: figure.reference.value } } } as const]
      : [];
    return {
      ...base,
      layer: [
        {
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'offered QPS (Poisson, all instances of the cell)', scale: { zero: true } },
            y,
            color: { field: 'target_label', type: 'nominal', title: 'target', scale: targetColors },
            strokeDash: { field: 'precision', type: 'nominal', title: 'precision', scale: { domain: [...PRECISIONS], range: [[1, 0], [6, 3]] } },
            detail: { field: 'key', type: 'nominal' },
          },
          layer: [{ mark: { type: 'line' } }, { mark: { type: 'point', filled: true, size: 50, tooltip: true } }],
        },
        ...rule,
      ],
    } as TopLevelSpec;
  }
  if (figure.chart === 'line') {
    return {
      ...base,
      encoding: {
        x: { field: 'instances', type: 'quantitative', title: 'instances (VMs, or processes on bare metal)', axis: { tickMinStep: 1, format: 'd' }, scale: { zero: false } },
        y,
        color: { field: 'target_label', type: 'nominal', title: 'target', scale: targetColors },
        strokeDash: { field: 'precision', type: 'nominal', title: 'precision (int8 dashed)', scale: { domain: [...PRECISIONS], range: [[1, 0], [6, 3]] }, legend: { symbolStrokeWidth: 2, symbolStrokeColor: '#555', titleLimit: 0, labelLimit: 0 } },
      },
      layer: [
        { mark: { type: 'line' } },
        {
          mark: { type: 'point', filled: true, size: 60, tooltip: true },
          encoding: { shape: { field: 'precision', type: 'nominal', title: 'precision (int8 dashed)', scale: { domain: [...PRECISIONS], range: ['circle', 'square'] } }, opacity },
        },
        errorbars,
      ],
    };
  }
  return {
    ...base,
    encoding: {
      x: { field: 'group', type: 'nominal', title: 'precision', axis: { labelAngle: 0 }, sort: null },
      xOffset: { field: 'target_label', type: 'nominal', scale: { domain: targetColors.domain } },
      y,
    },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: { color: { field: 'target_label', type: 'nominal', title: 'target', scale: targetColors }, opacity },
      },
      errorbars,
      {
        mark: { type: 'text', dy: -5, baseline: 'bottom', fontSize: 10 },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
}

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
  const opacity = { condition: { test: 'datum.valid', value: 1 }, value: 0.4 };
  // The 95% CI of each point: a rule from low to high (zero length without an interval).
  const errorbars = { name: 'errorbars', mark: { type: 'rule', color: '#222', strokeWidth: 1.5 }, encoding: { y: { field: 'low', type: 'quantitative', title: '95% CI low' }, y2: { field: 'high', title: '95% CI high' } } } as const;
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: figure.title,
    width,
    height,
    background: 'white',
    config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 12 } },
    data: { values: figure.points.map((p) => ({ ...p })) },
  } as const;
  if (figure.chart === 'line') {
    return {
      ...base,
      encoding: {
        x: { field: 'instances', type: 'quantitative', title: 'instances (VMs, or processes on bare metal)', axis: { tickMinStep: 1, format: 'd' }, scale: { zero: false } },
        y,
        color: { field: 'target_label', type: 'nominal', title: 'target', scale: targetColors },
        strokeDash: { field: 'precision', type: 'nominal', title: 'precision', scale: { domain: [...PRECISIONS], range: [[1, 0], [6, 3]] } },
      },
      layer: [
        { mark: { type: 'line' } },
        {
          mark: { type: 'point', filled: true, size: 60, tooltip: true },
          encoding: { shape: { field: 'precision', type: 'nominal', title: 'precision', scale: { domain: [...PRECISIONS], range: ['circle', 'square'] } }, opacity },
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

// Renders a Vega-Lite spec to an SVG string in Node (renderer 'none': no canvas, no DOM).
import { compile, type TopLevelSpec } from 'vega-lite';
import { View, parse } from 'vega';

/** SVG markup of a chart; the spec must carry its data inline. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vegaSpec } = compile(spec);
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

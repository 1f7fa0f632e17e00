// Charts as SVG, rendered in Node by Vega-Lite (no browser, no canvas): failures over time, errors by category, hour of day.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ChartSeries } from '../analysis/model.ts';

const WIDTH = 620;

function specFor(chart: ChartSeries): TopLevelSpec {
  const config = { font: 'DejaVu Sans', axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { labelFontSize: 10 }, view: { stroke: null } };
  if (chart.kind === 'time') {
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: chart.title,
      width: WIDTH,
      height: 200,
      config,
      layer: [
        {
          data: { values: chart.points },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'x', type: 'temporal', title: 'time (UTC)', timeUnit: { unit: 'utcyearmonthdatehoursminutes', step: chart.bucketMinutes ?? 1 }, axis: { format: '%d %H:%M', labelAngle: -30 } },
            y: { field: 'y', type: 'quantitative', title: 'errors per bucket', aggregate: 'sum' },
            color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top', labelLimit: 300 } },
          },
        },
        ...(chart.markers.length > 0
          ? [
              {
                data: { values: chart.markers },
                mark: { type: 'rule', color: '#8a1c1c', strokeDash: [4, 3] },
                encoding: { x: { field: 'x', type: 'temporal' } },
              },
              {
                data: { values: chart.markers },
                mark: { type: 'text', align: 'left', dx: 3, dy: -90, fontSize: 9, color: '#8a1c1c' },
                encoding: { x: { field: 'x', type: 'temporal' }, text: { field: 'label' } },
              },
            ]
          : []),
      ],
    };
    return spec as unknown as TopLevelSpec;
  }
  if (chart.kind === 'grouped') {
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: chart.title,
      width: WIDTH,
      height: Math.max(120, chart.points.length * 14),
      config,
      data: { values: chart.points },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'x', type: 'nominal', title: null, sort: null, axis: { labelLimit: 260 } },
        yOffset: { field: 'series' },
        x: { field: 'y', type: 'quantitative', title: 'occurrences' },
        color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top', labelLimit: 300 }, scale: { range: ['#9aa5b1', '#b03a2e'] } },
      },
    } as unknown as TopLevelSpec;
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: chart.title,
    width: WIDTH,
    height: Math.max(120, chart.id === 'hour-of-day' ? 180 : chart.points.length * 22),
    config,
    data: { values: chart.points },
    mark: { type: 'bar', color: '#b03a2e' },
    encoding:
      chart.id === 'hour-of-day'
        ? {
            x: { field: 'x', type: 'ordinal', title: 'hour of day (UTC)', sort: null },
            y: { field: 'y', type: 'quantitative', title: 'errors' },
          }
        : {
            y: { field: 'x', type: 'nominal', title: null, sort: '-x' },
            x: { field: 'y', type: 'quantitative', title: 'records' },
          },
  } as unknown as TopLevelSpec;
}

/** Render one chart to an SVG string; deterministic for the same data. */
export async function renderChart(chart: ChartSeries): Promise<string> {
  const runtime = vega.parse(compile(specFor(chart)).spec);
  const view = new vega.View(runtime, { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

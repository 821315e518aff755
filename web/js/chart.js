// Time-series line charts (uPlot) shared by the views: x is epoch seconds, one line per
// series, the y axis and the legend values formatted by the caller.
import uPlot from '../vendor/uplot/uPlot.esm.js';

// Draw a chart into `box` in place of `previous` (destroyed when given) and return it.
//   xs: the x values; ys: one array of y values per line (null: no point);
//   lines: [{ label, stroke, value(v) }] (value formats a point for the legend);
//   y: { label, range: [min, max], tick(v) } (each optional).
export function lineChart(box, previous, { height, xs, ys, lines, y = {} }) {
  if (previous) previous.destroy();
  const yAxis = { stroke: 'currentColor' };
  if (y.label) yAxis.label = y.label;
  if (y.tick) yAxis.values = (u, vs) => vs.map(y.tick);
  const scales = { x: { time: true } };
  if (y.range) scales.y = { range: y.range };
  return new uPlot({
    width: Math.max(320, box.clientWidth || 800), height, scales,
    axes: [{ stroke: 'currentColor' }, yAxis],
    series: [{}, ...lines.map((l) => ({
      label: l.label, stroke: l.stroke, width: 2, value: (u, v) => (v == null ? '' : l.value(v)),
    }))],
  }, [xs, ...ys], box);
}

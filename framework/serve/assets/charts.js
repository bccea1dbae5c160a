// lrlab serve's pictures, drawn with uPlot (vendor/uplot, MIT) in its "mode 2", where each series
// has its own x values: trials recorded at different steps, and x as the learning rate (which is
// not monotonic under a cyclic schedule), need no common x axis.
"use strict";

const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf"];

function color_of(i) { return palette[i % palette.length]; }

// [xs, ys] without the points a log axis cannot show (and without missing values): uPlot draws
// what it is given, and log(0) is no place on a page.
function drawable(xs, ys, log_x, log_y) {
  const px = [], py = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i], y = ys[i];
    if (x === null || y === null || x === undefined || y === undefined) continue;
    if ((log_x && x <= 0) || (log_y && y <= 0)) continue;
    px.push(x);
    py.push(y);
  }
  return [px, py];
}

function axis_values(log) {
  // Short numbers on either kind of axis; a log axis labels its decades.
  return (u, splits) => splits.map(v => {
    if (v === null || v === undefined) return "";
    if (log) {
      const e = Math.log10(v);
      if (Math.abs(e - Math.round(e)) > 1e-9) return "";
    }
    return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(0) : String(+v.toPrecision(4));
  });
}

// A scatter's x range with room around the outermost points (a point on the frame is half hidden):
// a fifth of a decade on a log axis, 5% of the span on a linear one.
function padded(log) {
  return (u, min, max) => {
    if (min === null || max === null) return [min, max];
    if (log) return [min / 1.6, max * 1.6];
    const pad = max > min ? (max - min) * 0.05 : Math.abs(min) * 0.05 || 1;
    return [min - pad, max + pad];
  };
}

// One panel: `lines` = [{label, color, xs, ys}], drawn as lines (or as points with `points`),
// into `el` (emptied first). Returns the number of points drawn, which the page shows as
// data-points (tests read it).
function draw_panel(el, {title, x_label, y_label, lines, log_x, log_y, points, categories}) {
  el.replaceChildren();
  const data = [null];
  const series = [{}];
  let drawn = 0;
  for (const line of lines) {
    const d = drawable(line.xs, line.ys, log_x, log_y);
    drawn += d[0].length;
    data.push(d);
    // Scatters, and lines of one point (a metric evaluated once, as a range test's), are drawn as
    // points: the points path builder draws each one (mode 2 has no per-point markers of its own).
    const as_points = points || d[0].length < 2;
    series.push({
      label: line.label,
      stroke: line.color,
      fill: as_points ? line.color : undefined,
      width: as_points ? 1 : 1.5,
      paths: as_points ? uPlot.paths.points() : uPlot.paths.linear(),
      points: as_points ? {show: false, size: 8, width: 1, stroke: line.color, fill: line.color} : {show: false},
      facets: [{scale: "x", auto: true}, {scale: "y", auto: true}],
    });
  }
  el.dataset.points = drawn;
  if (drawn === 0) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = title + ": nothing to draw yet" + (log_x || log_y ? " (a log axis hides values <= 0)" : "");
    el.appendChild(p);
    return 0;
  }
  const x_axis = {label: x_label, values: axis_values(log_x)};
  if (categories) x_axis.values = (u, splits) => splits.map(v => Number.isInteger(v) && categories[v] !== undefined ? categories[v] : "");
  if (categories) x_axis.splits = () => categories.map((_, i) => i);
  const opts = {
    mode: 2,
    title: title,
    width: Math.max(360, Math.min(620, el.parentElement.clientWidth / 2 - 24)),
    height: 280,
    legend: {show: false},
    cursor: {drag: {x: true, y: true}},
    scales: {
      x: categories ? {time: false, auto: false, range: [-0.5, categories.length - 0.5]}
                    : Object.assign({time: false, distr: log_x ? 3 : 1, auto: true}, points ? {range: padded(log_x)} : {}),
      y: {distr: log_y ? 3 : 1, auto: true},
    },
    axes: [x_axis, {label: y_label, values: axis_values(log_y), size: 60}],
    series: series,
  };
  new uPlot(opts, data, el);
  return drawn;
}

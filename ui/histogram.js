// The histogram above the results: the range's records per bucket, stacked by level, from
// `/api/v1/analytics/histogram?by=level`. Dragging across it selects a narrower range.

import { resetSvg, svgElement, timeAxis } from "./chart.js";

const levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
const width = 1000;
const height = 100;

/**
 * Draws `histogram` into `svg` and its times into `axis`; `onZoom(start, end)` is called with the
 * dragged range. Returns the largest bucket's count.
 */
export function drawHistogram(svg, axis, histogram, onZoom) {
  resetSvg(svg, width, height);
  const buckets = histogram.buckets.map((bucket) => Date.parse(bucket));
  const start = Date.parse(histogram.start);
  const end = Date.parse(histogram.end);
  const span = Math.max(1, end - start);
  const x = (time) => ((time - start) / span) * width;
  const bucketWidth = (histogram.interval_seconds * 1000 / span) * width;
  const series = [...histogram.series].sort((a, b) => levels.indexOf(a.key) - levels.indexOf(b.key));
  const totals = buckets.map((_, index) => series.reduce((sum, entry) => sum + entry.counts[index], 0));
  const peak = Math.max(1, ...totals);
  buckets.forEach((bucket, index) => {
    let base = height;
    for (const entry of series) {
      const count = entry.counts[index];
      if (count === 0) continue;
      const barHeight = (count / peak) * (height - 4);
      base -= barHeight;
      const bar = svgElement("rect", {
        x: Math.max(0, x(bucket)).toFixed(1), y: base.toFixed(1),
        width: Math.max(0.5, bucketWidth - 1).toFixed(1), height: barHeight.toFixed(1),
        class: levels.includes(entry.key) ? `level-${entry.key}` : "level-other",
      });
      bar.append(svgElement("title", {}, `${new Date(bucket).toLocaleString()}: ${count} ${entry.key ?? "no level"}`));
      svg.append(bar);
    }
  });
  timeAxis(axis, start, end);
  enableDragZoom(svg, (from, to) => onZoom(new Date(start + (from / width) * span), new Date(start + (to / width) * span)));
  return Math.max(0, ...totals);
}

function enableDragZoom(svg, onSelect) {
  const selection = svgElement("rect", { class: "selection", y: 0, height, width: 0, x: 0 });
  svg.append(selection);
  const position = (event) => {
    const box = svg.getBoundingClientRect();
    return Math.min(width, Math.max(0, ((event.clientX - box.left) / box.width) * width));
  };
  let origin = null;
  svg.onpointerdown = (event) => {
    origin = position(event);
    svg.setPointerCapture(event.pointerId);
  };
  svg.onpointermove = (event) => {
    if (origin === null) return;
    const current = position(event);
    selection.setAttribute("x", Math.min(origin, current).toFixed(1));
    selection.setAttribute("width", Math.abs(current - origin).toFixed(1));
  };
  svg.onpointerup = (event) => {
    if (origin === null) return;
    const current = position(event);
    const [from, to] = [Math.min(origin, current), Math.max(origin, current)];
    origin = null;
    selection.setAttribute("width", 0);
    if (to - from > 3) onSelect(from, to);
  };
}

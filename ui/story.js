// The story of a correlation or trace ID: every record that carries it, from
// `/api/v1/correlations/{id}`, as a timeline with one lane per service and as rows, with a link to
// the trace in Jaeger when the deployment names one.

import { get } from "./api.js";
import { resetSvg, svgElement, timeLabel } from "./chart.js";
import { formatTime, recordRow } from "./records.js";

const width = 1000;
const laneHeight = 22;
const labelWidth = 160;

/** Loads the story of `id` into the story view's elements. */
export async function showStory(id, elements, actions, jaegerURL) {
  elements.title.textContent = `Story of ${id}`;
  elements.summary.textContent = "Loading…";
  elements.records.replaceChildren();
  resetSvg(elements.timeline, width, laneHeight);
  elements.jaeger.hidden = true;
  const story = await get(`/api/v1/correlations/${encodeURIComponent(id)}`);
  const services = story.services.length > 0 ? story.services : [""];
  elements.summary.textContent = story.count === 0
    ? "No records carry this ID."
    : `${story.count} records across ${story.services.length} services, from ${formatTime(story.first)} to ${formatTime(story.last)}`
      + (story.truncated ? " (the first ones shown)" : "") + (story.partial ? " (partial: the query budget ran out)" : "");
  const traceID = story.logs.find((record) => record.trace_id)?.trace_id;
  if (jaegerURL && traceID) {
    elements.jaeger.href = `${jaegerURL.replace(/\/$/, "")}/trace/${encodeURIComponent(traceID)}`;
    elements.jaeger.hidden = false;
  }
  drawTimeline(elements.timeline, story, services);
  elements.records.replaceChildren(...story.logs.map((record) => recordRow(record, actions)));
}

function drawTimeline(svg, story, services) {
  const height = laneHeight * (services.length + 1);
  resetSvg(svg, width, height);
  svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
  if (story.logs.length === 0) return;
  const times = story.logs.map((record) => Date.parse(record.timestamp));
  const first = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - first);
  const x = (time) => labelWidth + ((time - first) / span) * (width - labelWidth - 10);
  services.forEach((service, lane) => {
    const y = laneHeight * lane + laneHeight / 2;
    svg.append(
      svgElement("line", { x1: labelWidth, x2: width, y1: y, y2: y, class: "gridline" }),
      svgElement("text", { x: 4, y: y + 4, class: "lane" }, service || "(no service)"),
    );
  });
  story.logs.forEach((record, index) => {
    const lane = Math.max(0, services.indexOf(record.service ?? ""));
    const dot = svgElement("circle", {
      cx: x(times[index]).toFixed(1), cy: laneHeight * lane + laneHeight / 2, r: 5, class: `level-${record.level}`,
    });
    dot.append(svgElement("title", {}, `${record.timestamp} ${record.level} ${record.message}`));
    svg.append(dot);
  });
  const axisY = laneHeight * services.length + 14;
  svg.append(
    svgElement("text", { x: labelWidth, y: axisY, class: "axis" }, timeLabel(new Date(first), span)),
    svgElement("text", { x: width - 90, y: axisY, class: "axis" }, `+${span} ms`),
  );
}

// The patterns and analytics tabs: the range's top message patterns with sparklines and a way to
// their lines, the error rate over time, and the busiest endpoints with their latencies.

import { get } from "./api.js";
import { polyline, resetSvg, svgElement, timeAxis } from "./chart.js";

/** Fills the patterns table; `showLines(id)` searches for a pattern's records. */
export async function showPatterns(parameters, table, status, showLines) {
  status.textContent = "Loading patterns…";
  const answer = await get("/api/v1/patterns", { ...parameters, limit: 50, sort: "count" });
  const body = table.tBodies[0];
  body.replaceChildren(...answer.patterns.map((pattern) => {
    const row = document.createElement("tr");
    const sparkline = svgElement("svg", { class: "sparkline", role: "img", "aria-label": "Records over the range" });
    resetSvg(sparkline, 100, 20);
    sparkline.append(polyline(pattern.sparkline, 100, 20));
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Show lines";
    button.addEventListener("click", () => showLines(pattern.id));
    row.append(
      cell(pattern.template, "template"),
      cell(pattern.count.toLocaleString()),
      cellOf(sparkline),
      cell(pattern.services.map((entry) => entry.service).join(", ")),
      cellOf(button),
    );
    return row;
  }));
  status.textContent = answer.patterns.length === 0
    ? "No patterns in this range."
    : `${answer.patterns.length} patterns, most frequent first${answer.partial ? " (partial: the query budget ran out)" : ""}`;
}

/** Draws the error rate over the range (`chart`, `axis`, `caption`) and fills the endpoints `table`. */
export async function showAnalytics(parameters, { chart, axis, caption, table }) {
  caption.textContent = "Loading…";
  const [rate, endpoints] = await Promise.all([
    get("/api/v1/analytics/error-rate", parameters),
    get("/api/v1/analytics/endpoints", { ...parameters, limit: 20 }),
  ]);
  const series = rate.series[0];
  resetSvg(chart, 1000, 120);
  if (series) {
    const line = svgElement("g", { class: "line" });
    // An empty bucket has no rate; it is drawn as none.
    line.append(polyline(series.rates.map((value) => value ?? 0), 1000, 120, 5));
    chart.append(line);
  }
  timeAxis(axis, Date.parse(rate.start), Date.parse(rate.end));
  caption.textContent = series && series.rate !== null
    ? `${(series.rate * 100).toFixed(2)}% of ${series.total.toLocaleString()} records are errors (ERROR or above, or HTTP status 500 or above); peak per ${rate.interval}: ${(Math.max(0, ...series.rates.filter((value) => value !== null)) * 100).toFixed(1)}%`
    : "No records in this range.";
  table.tBodies[0].replaceChildren(...endpoints.endpoints.map((endpoint) => {
    const row = document.createElement("tr");
    row.append(
      cell(endpoint.method ?? ""), cell(endpoint.route, "template"), cell(endpoint.requests.toLocaleString()),
      cell(`${endpoint.errors.toLocaleString()} (${(endpoint.error_rate * 100).toFixed(1)}%)`),
      cell(milliseconds(endpoint.p50_ms)), cell(milliseconds(endpoint.p95_ms)), cell(milliseconds(endpoint.p99_ms)),
    );
    return row;
  }));
}

function milliseconds(value) {
  return value === null || value === undefined ? "" : value.toFixed(1);
}

function cell(text, className) {
  const element = document.createElement("td");
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function cellOf(child) {
  const element = document.createElement("td");
  element.append(child);
  return element;
}

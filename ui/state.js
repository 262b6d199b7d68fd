// What the address holds: the tab, the query, the time range and an open story, in the fragment
// (`/#tab=search&q=...&range=1h`), so a link shows someone else the same view and the server never
// sees the query in its access log.

export const presets = { "15m": 15 * 60e3, "1h": 3600e3, "6h": 6 * 3600e3, "24h": 24 * 3600e3, "7d": 7 * 24 * 3600e3 };
const tabs = ["search", "patterns", "analytics"];

/** The view the address describes, with defaults for what it leaves out. */
export function readState() {
  const fields = new URLSearchParams(location.hash.slice(1));
  const state = {
    tab: tabs.includes(fields.get("tab")) ? fields.get("tab") : "search",
    q: fields.get("q") ?? "",
    range: fields.get("range") ?? "1h",
    start: fields.get("start"),
    end: fields.get("end"),
    story: fields.get("story"),
  };
  if (state.range !== "custom" && !(state.range in presets)) state.range = "1h";
  if (state.range === "custom" && !(validTime(state.start) && validTime(state.end))) state.range = "1h";
  return state;
}

/** Puts the view in the address: a new history entry, or the current one replaced. */
export function writeState(state, { replace = false } = {}) {
  const fields = new URLSearchParams();
  fields.set("tab", state.tab);
  if (state.q) fields.set("q", state.q);
  fields.set("range", state.range);
  if (state.range === "custom") {
    fields.set("start", state.start);
    fields.set("end", state.end);
  }
  if (state.story) fields.set("story", state.story);
  const hash = `#${fields.toString()}`;
  if (hash === location.hash) return;
  if (replace) history.replaceState(null, "", hash);
  else history.pushState(null, "", hash);
}

function validTime(text) {
  return typeof text === "string" && !Number.isNaN(Date.parse(text));
}

/** The range's start and end as ISO times; a preset ends now. */
export function timeRange(state) {
  if (state.range === "custom") return { start: new Date(state.start).toISOString(), end: new Date(state.end).toISOString() };
  const end = Date.now();
  return { start: new Date(end - presets[state.range]).toISOString(), end: new Date(end).toISOString() };
}

/** A query term that matches `field` equal to `value`, quoted when the value needs it. */
export function filterTerm(field, value) {
  const text = String(value);
  const plain = /^[A-Za-z0-9_.\-\/@]+$/.test(text);
  return `${field}:${plain ? text : `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`}`;
}

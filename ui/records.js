// One record as a row of the results: level colour, time, level, service and message; opened,
// every field as a list whose values add themselves to the query when clicked, the record's JSON,
// and for a record with a correlation or trace ID, a button that opens its story.

const storyFields = ["correlation_id", "trace_id"];

/**
 * A list item for `record`. `actions.filter(field, value)` adds a filter to the query;
 * `actions.story(id)` opens a correlation story.
 */
export function recordRow(record, actions) {
  const item = document.createElement("li");
  item.dataset.id = record.id;
  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.append(
    span(`stripe ${record.level}`, ""),
    span("time", formatTime(record.timestamp)),
    span("level", record.level),
    span("service", record.service ?? ""),
    span("message", record.message),
  );
  details.append(summary);
  details.addEventListener("toggle", () => {
    if (details.open && details.childElementCount === 1) details.append(fieldList(record, actions));
  });
  item.append(details);
  return item;
}

function span(className, text) {
  const element = document.createElement("span");
  element.className = className;
  element.textContent = text;
  return element;
}

/** The record's time in local time with milliseconds. */
export function formatTime(timestamp) {
  const date = new Date(timestamp);
  const pad = (value, size = 2) => String(value).padStart(size, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function fieldList(record, actions) {
  const list = document.createElement("dl");
  list.className = "fields";
  const { attributes = {}, ...top } = record;
  const entries = [
    ...Object.entries(top).filter(([name]) => name !== "tenant"),
    ...flatten(attributes, "attributes"),
  ];
  for (const [name, value] of entries) {
    const term = document.createElement("dt");
    term.textContent = name;
    const definition = document.createElement("dd");
    if (isFilterable(name, value)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "value";
      button.textContent = String(value);
      button.title = `Add ${name}:${value} to the query`;
      button.addEventListener("click", () => actions.filter(name, value));
      definition.append(button);
    } else {
      definition.textContent = typeof value === "string" ? value : JSON.stringify(value);
    }
    list.append(term, definition);
  }
  const buttons = document.createElement("div");
  buttons.className = "actions";
  for (const field of storyFields) {
    if (!record[field]) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "story";
    button.textContent = `Story of this ${field === "trace_id" ? "trace" : "correlation"}`;
    button.addEventListener("click", () => actions.story(record[field]));
    buttons.append(button);
  }
  const json = document.createElement("details");
  json.className = "json";
  const label = document.createElement("summary");
  label.textContent = "JSON";
  const text = document.createElement("pre");
  text.textContent = JSON.stringify(record, null, 2);
  json.append(label, text);
  list.append(buttons, json);
  return list;
}

function flatten(object, prefix) {
  return Object.entries(object).flatMap(([key, value]) =>
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? flatten(value, `${prefix}.${key}`)
      : [[`${prefix}.${key}`, value]]);
}

const unfilterable = new Set(["timestamp", "observed_at", "message", "severity_number"]);

function isFilterable(name, value) {
  return !unfilterable.has(name) && ["string", "number", "boolean"].includes(typeof value);
}

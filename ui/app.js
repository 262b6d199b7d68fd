// The explorer's entry point: sign-in, the tabs, the query bar and range, and the search view with
// its histogram, results, "load more" and live tail. The view follows the address (state.js).

import { ApiError, get, post, storeToken, storedToken } from "./api.js";
import { drawHistogram } from "./histogram.js";
import { showAnalytics, showPatterns } from "./insights.js";
import { recordRow } from "./records.js";
import { filterTerm, readState, timeRange, writeState } from "./state.js";
import { showStory } from "./story.js";
import { LiveTail } from "./tail.js";

const element = (id) => document.getElementById(id);
const jaegerURL = document.querySelector('meta[name="logsmith-jaeger-url"]').content;
const authEnabled = document.querySelector('meta[name="logsmith-auth"]').content === "on";
const maxLiveRows = 1000;

let state = readState();
let cursor = null;
let tail = null;
let generation = 0;

const recordActions = {
  filter: (field, value) => addFilter(field === "pattern_id" ? "pattern" : field, value),
  story: (id) => navigate({ ...state, story: id }),
};

async function start() {
  bindSignIn();
  bindExplorer();
  window.addEventListener("hashchange", () => {
    state = readState();
    render();
  });
  if (authEnabled && storedToken() === null) {
    showSignIn();
    return;
  }
  try {
    await signedIn(await get("/api/v1/auth/me"));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    storeToken(null);
    showSignIn();
  }
}

function showSignIn(message = "") {
  element("sign-in").hidden = false;
  element("explorer").hidden = true;
  element("tabs").hidden = true;
  element("sign-out").hidden = true;
  element("identity").textContent = "";
  element("sign-in-error").textContent = message;
  element("login-form").elements.username.focus();
}

async function signedIn(identity) {
  element("sign-in").hidden = true;
  element("explorer").hidden = false;
  element("tabs").hidden = false;
  element("sign-out").hidden = storedToken() === null;
  element("identity").textContent = `${identity.actor} · tenant ${identity.tenant}`;
  writeState(state, { replace: true });
  await render();
}

function bindSignIn() {
  element("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = event.target.elements;
    const credentials = { username: fields.username.value, password: fields.password.value };
    if (fields.tenant.value) credentials.tenant = fields.tenant.value;
    await useCredential(async () => (await post("/api/v1/auth/login", credentials)).token);
    fields.password.value = "";
  });
  element("key-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const field = event.target.elements.key;
    await useCredential(async () => field.value.trim());
    field.value = "";
  });
  element("sign-out").addEventListener("click", () => {
    stopTail();
    storeToken(null);
    showSignIn();
  });
}

async function useCredential(obtain) {
  try {
    storeToken(await obtain());
    await signedIn(await get("/api/v1/auth/me"));
  } catch (error) {
    storeToken(null);
    showSignIn(error.status === 401 ? "Those credentials were not accepted." : error.message);
  }
}

function bindExplorer() {
  element("query-form").addEventListener("submit", (event) => {
    event.preventDefault();
    navigate({ ...state, ...formRange(), q: element("q").value, story: null });
  });
  element("range").addEventListener("change", () => {
    element("custom-range").hidden = element("range").value !== "custom";
    if (element("range").value !== "custom") navigate({ ...state, range: element("range").value, story: null });
  });
  element("more").addEventListener("click", () => loadMore());
  element("zoom-out").addEventListener("click", () => navigate({ ...state, range: "24h", story: null }));
  element("story-back").addEventListener("click", () => navigate({ ...state, story: null }));
  element("live").addEventListener("click", () => (tail ? stopTail() : startTail()));
  element("pause").addEventListener("click", () => togglePause());
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement?.tagName);
    if (event.key === "/" && !typing) {
      event.preventDefault();
      element("q").focus();
    } else if (event.key === "Escape" && state.story) {
      navigate({ ...state, story: null });
    }
  });
}

function formRange() {
  const range = element("range").value;
  if (range !== "custom") return { range };
  const start = element("start").value;
  const end = element("end").value;
  if (!start || !end) return { range: state.range };
  return { range, start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

function navigate(next) {
  state = next;
  writeState(state);
  render();
}

function addFilter(field, value) {
  const term = filterTerm(field, value);
  const q = state.q.trim();
  navigate({ ...state, q: q ? `${q} ${term}` : term, tab: "search", story: null });
}

async function render() {
  const current = ++generation;
  stopTail();
  element("q").value = state.q;
  element("range").value = state.range;
  element("custom-range").hidden = state.range !== "custom";
  if (state.range === "custom") {
    element("start").value = localInputValue(state.start);
    element("end").value = localInputValue(state.end);
  }
  for (const link of element("tabs").querySelectorAll("a")) {
    link.href = `#${new URLSearchParams({ ...hashFields(), tab: link.dataset.tab })}`;
    if (link.dataset.tab === state.tab) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const view = state.story ? "story" : state.tab;
  for (const name of ["search", "story", "patterns", "analytics"]) element(`view-${name}`).hidden = name !== view;
  element("live").hidden = view !== "search";
  showQueryError(null);
  const parameters = { q: state.q, ...timeRange(state) };
  try {
    if (view === "story") {
      await showStory(state.story, {
        title: element("story-title"), summary: element("story-summary"), timeline: element("story-timeline"),
        records: element("story-records"), jaeger: element("jaeger-link"),
      }, recordActions, jaegerURL);
    } else if (view === "patterns") {
      await showPatterns(parameters, element("patterns"), element("patterns-status"),
        (id) => navigate({ ...state, tab: "search", q: `pattern:${id}`, story: null }));
    } else if (view === "analytics") {
      await showAnalytics(parameters, {
        chart: element("error-rate"), axis: element("error-rate-axis"), caption: element("error-rate-caption"),
        table: element("endpoints"),
      });
    } else {
      await search(parameters, current);
    }
  } catch (error) {
    if (current === generation) reportError(error);
  }
}

function hashFields() {
  return Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
}

function localInputValue(iso) {
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60e3).toISOString().slice(0, 19);
}

async function search(parameters, current) {
  element("status").textContent = "Searching…";
  element("results").replaceChildren();
  element("more").hidden = true;
  element("histogram").replaceChildren();
  element("histogram-axis").replaceChildren();
  element("histogram-caption").textContent = "";
  const [page, histogram] = await Promise.all([
    get("/api/v1/logs", { ...parameters, limit: 100 }),
    get("/api/v1/analytics/histogram", { ...parameters, by: "level" }),
  ]);
  if (current !== generation) return;
  const tallest = drawHistogram(element("histogram"), element("histogram-axis"), histogram, (start, end) =>
    navigate({ ...state, range: "custom", start: start.toISOString(), end: end.toISOString(), story: null }));
  element("histogram-caption").textContent =
    `${histogram.series.reduce((sum, entry) => sum + entry.total, 0).toLocaleString()} records, per ${histogram.interval}; `
    + `the tallest bar ${tallest.toLocaleString()} (drag across the chart to zoom in)`;
  element("zoom-out").hidden = state.range !== "custom";
  showPage(page, false);
}

function showPage(page, appending) {
  const rows = page.logs.map((record) => recordRow(record, recordActions));
  if (appending) element("results").append(...rows);
  else element("results").replaceChildren(...rows);
  cursor = page.next_cursor;
  element("more").hidden = !cursor;
  const shown = element("results").childElementCount;
  element("status").textContent = shown === 0
    ? "No records match in this range."
    : `${shown} records, newest first${page.partial ? ` (partial: searched ${page.covered?.start ?? ""} to ${page.covered?.end ?? ""} before the query budget ran out)` : ""}`;
}

async function loadMore() {
  if (!cursor) return;
  try {
    showPage(await get("/api/v1/logs", { q: state.q, ...timeRange(state), limit: 100, cursor }), true);
  } catch (error) {
    reportError(error);
  }
}

function startTail() {
  tail = new LiveTail(state.q, (records) => {
    const list = element("results");
    for (const record of records) {
      const row = recordRow(record, recordActions);
      row.classList.add("fresh");
      list.prepend(row);
    }
    while (list.childElementCount > maxLiveRows) list.lastElementChild.remove();
  }, (notice) => {
    element("status").textContent = notice;
  });
  tail.start();
  element("live").setAttribute("aria-pressed", "true");
  element("pause").hidden = false;
  element("pause").setAttribute("aria-pressed", "false");
  element("pause").textContent = "Pause";
  element("status").textContent = "Live: waiting for new records…";
}

function togglePause() {
  if (!tail) return;
  const pausing = element("pause").getAttribute("aria-pressed") === "false";
  if (pausing) tail.stop();
  else tail.start();
  element("pause").setAttribute("aria-pressed", String(pausing));
  element("pause").textContent = pausing ? "Resume" : "Pause";
  element("status").textContent = pausing ? "Live tail paused" : "Live";
}

function stopTail() {
  tail?.stop();
  tail = null;
  element("live").setAttribute("aria-pressed", "false");
  element("pause").hidden = true;
}

function reportError(error) {
  if (error instanceof ApiError && error.status === 401) {
    storeToken(null);
    showSignIn("Your session has ended; sign in again.");
    return;
  }
  showQueryError(error);
}

function showQueryError(error) {
  const box = element("query-error");
  if (!error) {
    box.hidden = true;
    box.textContent = "";
    element("q").removeAttribute("aria-invalid");
    return;
  }
  const entry = error instanceof ApiError ? error.parameterError("q") : undefined;
  if (entry && entry.position !== undefined) {
    const characters = [...new Intl.Segmenter().segment(state.q)].map((part) => part.segment);
    box.textContent = `${characters.join("")}\n${" ".repeat(entry.position)}^ ${entry.reason}`;
    element("q").setAttribute("aria-invalid", "true");
    const offset = characters.slice(0, entry.position).join("").length;
    element("q").focus();
    element("q").setSelectionRange(offset, offset + (characters[entry.position]?.length ?? 0));
  } else {
    box.textContent = error.message;
  }
  box.hidden = false;
  element("status").textContent = "";
}

start();

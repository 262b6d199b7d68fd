// The HTTP API of Logsmith as the explorer uses it: the credential in session storage, JSON
// requests whose failures carry the problem document, and Server-Sent Events read through fetch
// (EventSource cannot send an Authorization header).

const tokenKey = "logsmith.token";

/** A failed request: the HTTP status and the problem document the server answered with. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }

  /** The first error entry that names the given query parameter, if any. */
  parameterError(name) {
    return (this.problem.errors ?? []).find((entry) => entry.parameter === name);
  }
}

export function storedToken() {
  return sessionStorage.getItem(tokenKey);
}

export function storeToken(token) {
  if (token) sessionStorage.setItem(tokenKey, token);
  else sessionStorage.removeItem(tokenKey);
}

function headers(extra = {}) {
  const token = storedToken();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

function url(path, parameters = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

async function answer(response) {
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** GET a JSON document. */
export async function get(path, parameters, signal) {
  return answer(await fetch(url(path, parameters), { headers: headers({ Accept: "application/json" }), signal }));
}

/** POST a JSON body and read the JSON answer. */
export async function post(path, body) {
  return answer(await fetch(path, {
    method: "POST",
    headers: headers({ Accept: "application/json", "Content-Type": "application/json" }),
    body: JSON.stringify(body),
  }));
}

/**
 * Reads a Server-Sent Events stream until `signal` aborts or the server ends it, calling
 * `onEvent({event, data, id})` for each event; comments (heartbeats) are skipped.
 */
export async function streamEvents(path, parameters, onEvent, signal) {
  const response = await fetch(url(path, parameters), {
    headers: headers({ Accept: "text/event-stream" }),
    signal,
    cache: "no-store",
  });
  if (!response.ok) await answer(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  let event = { event: "message", data: [], id: null };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    pending += value;
    const lines = pending.split(/\r\n|\r|\n/);
    pending = lines.pop();
    for (const line of lines) {
      if (line === "") {
        if (event.data.length > 0) onEvent({ event: event.event, data: event.data.join("\n"), id: event.id });
        event = { event: "message", data: [], id: event.id };
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const content = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event.event = content;
      else if (field === "data") event.data.push(content);
      else if (field === "id") event.id = content;
    }
  }
}

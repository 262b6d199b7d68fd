// The live tail of the current query: `/api/v1/tail` read as a stream, its records handed over as
// they come. Pausing ends the stream and remembers the last event's ID; resuming continues exactly
// after it, so nothing is missed or shown twice.

import { streamEvents } from "./api.js";

/** One live tail; `onRecords(records)` gets each event's records, `onNotice(text)` what to tell. */
export class LiveTail {
  constructor(query, onRecords, onNotice) {
    this.query = query;
    this.onRecords = onRecords;
    this.onNotice = onNotice;
    this.lastEventID = null;
    this.pausedAt = null;
    this.controller = null;
  }

  /**
   * Starts, or resumes after the last event seen (or from the pause when none was); reconnects
   * after a second if the stream ends.
   */
  start() {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    const run = async () => {
      while (this.controller === controller) {
        try {
          await streamEvents("/api/v1/tail", { q: this.query, since: this.lastEventID ?? this.pausedAt ?? undefined },
            (event) => this.handle(event), controller.signal);
          this.onNotice("Live tail reconnecting…");
        } catch (error) {
          if (controller.signal.aborted) return;
          this.onNotice(`Live tail interrupted: ${error.message}; retrying`);
          if (error.status && error.status < 500 && error.status !== 429) {
            this.stop();
            return;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    run();
  }

  /** Ends the stream; `start()` resumes after the last record shown, or from now if none was. */
  stop() {
    this.pausedAt ??= new Date().toISOString();
    this.controller?.abort();
    this.controller = null;
  }

  handle(event) {
    if (event.id) this.lastEventID = event.id;
    if (event.event === "log") {
      this.onNotice("Live");
      this.onRecords(JSON.parse(event.data));
    } else if (event.event === "dropped") {
      this.onNotice(`Live: ${JSON.parse(event.data).count} records skipped because the page fell behind`);
    }
  }
}

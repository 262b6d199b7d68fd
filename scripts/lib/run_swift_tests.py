"""Runs `swift test` under a watchdog, for `scripts/test`.

A run that records no test event for STALL seconds, or outlives LIMIT seconds, is
stopped: its tests still running are named from Swift Testing's JSON event stream,
and the test runner and the servers it started (every process of the build
directory) are killed. In a full run events come every few seconds (the longest
gap seen here was 3 s), so a run that falls silent for minutes has only hung tests
left. When nothing failed before such a stall, the tests that have not ended run
once more on their own (`--filter`), and their result is the run's: a test that hangs again, or
fails, fails the run. Rare hangs of a PostgreSQL pool's shutdown in postgres-nio
1.33.2 are what this is for (Tests/TestSupport/BoundedTeardown.swift).

Usage: run_swift_tests.py WORK_DIR BIN_DIR [STALL [LIMIT]]
"""

import json
import os
import re
import signal
import subprocess
import sys
import time


class Events:
    """What a Swift Testing event stream (version 0) has said so far."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.partial = ""
        self.names = {}
        self.running = {}
        self.ended = set()
        self.failed = set()
        self.run_started = 0.0
        self.last_event = time.monotonic()

    def read(self):
        """Reads what the stream has added since the last call."""
        try:
            with open(self.path, encoding="utf-8") as stream:
                stream.seek(self.offset)
                added = stream.read()
                self.offset = stream.tell()
        except FileNotFoundError:
            return
        if not added:
            return
        self.last_event = time.monotonic()
        lines = (self.partial + added).split("\n")
        self.partial = lines.pop()
        for line in lines:
            self._record(line)

    def _record(self, line):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return
        payload = record.get("payload", {})
        if record.get("kind") == "test":
            if payload.get("kind") != "suite":
                self.names[payload.get("id")] = payload.get("displayName") or payload.get("name")
            return
        kind = payload.get("kind")
        test = payload.get("testID")
        key = (test, payload.get("_testCase", {}).get("displayName"))
        if kind == "runStarted":
            self.run_started = payload.get("instant", {}).get("absolute", 0)
        elif kind in ("testStarted", "testCaseStarted") and test in self.names:
            self.running[key] = payload.get("instant", {}).get("absolute", 0)
        elif kind in ("testEnded", "testCaseEnded", "testSkipped"):
            self.running.pop(key, None)
            if kind != "testCaseEnded":
                self.ended.add(test)
        elif kind == "issueRecorded" and not payload.get("issue", {}).get("isKnown", False):
            self.failed.add(test)

    def describe_running(self):
        """One line per test or test case still running."""
        lines = []
        for (test, case), started in sorted(self.running.items(), key=lambda item: item[1]):
            name = self.names.get(test, test)
            lines.append(
                f"  {name}" + (f" ({case})" if case else "") + f", started {started - self.run_started:.0f} s into the run"
            )
        return lines

    def unfinished_filter(self):
        """A `--filter` pattern matching exactly the tests that have not ended: the ones still running, and
        any a hung test kept from starting (the later tests of a serialized suite)."""
        tests = sorted({test.rsplit("/", 1)[0] for test in self.names if test not in self.ended})
        # A test's ID goes on with its source location, so the name is matched up to a "/" or the end.
        return "|".join("^" + re.escape(test) + "(/|$)" for test in tests)


def supervise(arguments, events_path, bin_dir, stall, limit):
    """Runs `swift test ARGUMENTS`; returns (exit status, the events, whether it was stopped for a stall)."""
    events = Events(events_path)
    started = time.monotonic()
    process = subprocess.Popen(
        ["swift", "test", "--skip-build", "--event-stream-output-path", events_path, "--event-stream-version", "0"]
        + arguments,
        start_new_session=True,
    )
    while True:
        try:
            status = process.wait(timeout=2)
            events.read()
            return status, events, False
        except subprocess.TimeoutExpired:
            pass
        events.read()
        now = time.monotonic()
        silent = now - events.last_event
        if silent < stall and now - started < limit:
            continue
        stalled = silent >= stall
        reason = f"recorded no test event for {silent:.0f} s" if stalled else f"did not finish within {limit} s"
        print(f"==> swift test {reason}; still running:", flush=True)
        print("\n".join(events.describe_running()) or "  (no test)", flush=True)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        subprocess.run(["pkill", "-KILL", "-f", "^" + re.escape(bin_dir.rstrip("/") + "/")], check=False)
        return 124, events, stalled and bool(events.running)


def main():
    work, bin_dir = sys.argv[1], sys.argv[2]
    stall = float(sys.argv[3]) if len(sys.argv) > 3 else 180
    limit = float(sys.argv[4]) if len(sys.argv) > 4 else 1500
    status, events, stalled = supervise([], os.path.join(work, "test-events.jsonl"), bin_dir, stall, limit)
    if status == 0 or not stalled:
        return status
    if events.failed:
        print(f"==> {len(events.failed)} tests failed before the stall; not running the stalled tests again", flush=True)
        return status
    print("==> nothing failed before the stall; running the stalled tests once more on their own", flush=True)
    status, _, _ = supervise(
        ["--filter", events.unfinished_filter()], os.path.join(work, "test-events-rerun.jsonl"), bin_dir, stall, limit
    )
    return status


if __name__ == "__main__":
    sys.exit(main())

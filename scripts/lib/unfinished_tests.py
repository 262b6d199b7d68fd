"""Lists the tests and test cases (not suites) a Swift Testing run started and never ended.

Reads the JSON event stream that `swift test --event-stream-output-path PATH
--event-stream-version 0` writes, one record a line, for a run that was stopped
before its end (`scripts/test` stops one that outlives its time limit).
"""

import json
import sys


def main(path):
    names = {}
    running = {}
    run_started = 0
    with open(path, encoding="utf-8") as events:
        for line in events:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            payload = record.get("payload", {})
            if record.get("kind") == "test":
                if payload.get("kind") != "suite":
                    names[payload.get("id")] = payload.get("displayName") or payload.get("name")
                continue
            kind = payload.get("kind")
            if kind == "runStarted":
                run_started = payload.get("instant", {}).get("absolute", 0)
            key = (payload.get("testID"), payload.get("_testCase", {}).get("displayName"))
            if kind in ("testStarted", "testCaseStarted") and key[0] in names:
                running[key] = payload.get("instant", {}).get("absolute", 0)
            elif kind in ("testEnded", "testCaseEnded", "testSkipped"):
                running.pop(key, None)
    for (test, case), started in sorted(running.items(), key=lambda item: item[1]):
        name = names.get(test, test)
        print(f"  {name}" + (f" ({case})" if case else "") + f", started {started - run_started:.0f} s into the run")


if __name__ == "__main__":
    main(sys.argv[1])

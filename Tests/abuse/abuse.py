"""The abuse suite: each attack of issue 27 against a live Logsmith while a second tenant ingests
and searches, on SQLite and on PostgreSQL.

    python abuse.py --logsmith BIN [--database-url URL] [--seconds 5] [--report FILE]

For each store it starts the server, makes two tenants with a key each, measures the victim tenant
alone (the baseline), then runs every attack for `--seconds` while the victim goes on, and checks
that the victim's ingest and search p95 stay within 3x its own baseline (or 50 ms, when 3x the
baseline is less: a few milliseconds are noise on a shared 2-core machine, where the defects took
the victim to between 0.2 and 30 s), that `/ready` answers
every probe within 1 s, that the victim never sees a server error and that the attacker sees no
500. An attack that fails is measured once more, and only a second failure fails the suite (both
rows are reported). The attacks run in a process of their own, so the victim's timings do not wait on them for the
interpreter lock. Loopback only (the attacker uses source addresses 127.0.0.2 and up, as a client
with many addresses would); every server, socket and wait is bounded and stopped on every exit path.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ALLOWED_RATIO = 3.0
FLOOR_MS = 50.0
READY_LIMIT_S = 1.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection from a given source address, reopened after errors."""

    def __init__(self, port, key, source="127.0.0.1", timeout=30):
        self.port, self.key, self.source, self.timeout = port, key, source, timeout
        self.connection = None

    def request(self, method, path, body=None, content_type="application/json"):
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        if body is not None:
            headers["Content-Type"] = content_type
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout, source_address=(self.source, 0))
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 1:
                    return 0, b""
        return 0, b""

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def records(count, message="m", **fields):
    now = time.time()
    return json.dumps([dict({"message": f"{message} {i}", "timestamp": now, **fields}) for i in range(count)]).encode()


# ---------------------------------------------------------------- attacks (run in their own process)


def run_threads(count, body, stop, deadline):
    """Runs `body(index)` in `count` threads until `stop` is set or the deadline passes."""
    outcomes = {}
    lock = threading.Lock()

    def loop(index):
        while not stop.is_set() and time.time() < deadline:
            status = body(index)
            with lock:
                outcomes[status] = outcomes.get(status, 0) + 1

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1, deadline - time.time() + 35))
    return outcomes


def source(index):
    return f"127.0.0.{2 + index % 250}"


def attack_slow_connections(port, key, stop, deadline, ready):
    """Defect 1: thousands of connections that trickle a request head, from several addresses."""
    sockets, refused = [], 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    ready.set()
    for index in range(2000):
        if stop.is_set() or time.time() > deadline:
            break
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2, source_address=(source(index // 250), 0))
            s.sendall(b"POST /api/v1/logs HTTP/1.1\r\nHost: x\r\n")
            sockets.append(s)
        except OSError:
            refused += 1
    while not stop.is_set() and time.time() < deadline:
        for s in list(sockets):
            try:
                s.sendall(b"X")
            except OSError:
                sockets.remove(s)
        time.sleep(1)
    for s in sockets:
        s.close()
    return {"opened": 2000 - refused, "refused": refused, "still_open": len(sockets)}


def attack_long_queries(port, key, stop, deadline, ready):
    """Defect 2: stats and search with thousands of AND-ed words, and the most the limits allow."""
    huge = urllib.parse.quote(" ".join(f"w{i}" for i in range(2000)))
    widest = urllib.parse.quote(" ".join(f"word{i}" for i in range(64)))
    paths = [f"/api/v1/stats?q={huge}", f"/api/v1/stats?q={widest}", f"/api/v1/logs?q={widest}&start=now-30d"]
    clients = [Client(port, key, source(i)) for i in range(24)]
    ready.set()
    return run_threads(24, lambda i: clients[i].request("GET", random.choice(paths))[0], stop, deadline)


def attack_substring_blowup(port, key, stop, deadline, ready):
    """Defect 3: one record of 65,536 'x' and searches for the longest run of 'x' allowed."""
    setup = Client(port, key, source(0))
    setup.request("POST", "/api/v1/logs", json.dumps({"message": "x" * 65_536}).encode())
    path = "/api/v1/logs?q=" + "x" * 256 + "&start=now-1h"
    clients = [Client(port, key, source(i)) for i in range(8)]
    ready.set()
    return run_threads(8, lambda i: clients[i].request("GET", path)[0], stop, deadline)


def attack_big_pages(port, key, stop, deadline, ready):
    """Defect 4: pages of a thousand 60 KB records, four at once."""
    setup = Client(port, key, source(0))
    body, stored = records(100, "big " + "y" * 60_000), 0
    for _ in range(60):
        if stored == 10 or stop.is_set():
            break
        status, _ = setup.request("POST", "/api/v1/logs", body)
        stored += status == 200
        if status == 429:
            time.sleep(1)
    clients = [Client(port, key, source(i)) for i in range(4)]
    ready.set()
    return run_threads(4, lambda i: clients[i].request("GET", "/api/v1/logs?limit=1000&start=now-1h")[0], stop, deadline)


def attack_poison_records(port, key, stop, deadline, ready):
    """Defect 5: records nested 509 deep, sent again and again."""
    body = ('[{"message": "poison", "attributes": {"a": ' + "[" * 509 + "]" * 509 + "}}]").encode()
    clients = [Client(port, key, source(i)) for i in range(4)]
    ready.set()
    return run_threads(4, lambda i: clients[i].request("POST", "/api/v1/logs", body)[0], stop, deadline)


def attack_attribute_explosion(port, key, stop, deadline, ready):
    """Defect 6: ~9.5 MB requests whose records bring 256 new nested keys each."""
    bodies = []
    for request in range(6):
        items = []
        for record in range(2300):
            nested = {f"k{request}x{record}x{n}": 1 for n in range(255)}
            items.append({"message": "explode", "attributes": {f"o{request}x{record}": nested}})
        bodies.append(json.dumps(items).encode())
    clients = [Client(port, key, source(i)) for i in range(2)]
    ready.set()
    return run_threads(2, lambda i: clients[i].request("POST", "/api/v1/logs", random.choice(bodies))[0], stop, deadline)


def attack_read_flood(port, key, stop, deadline, ready):
    """Defect 7: 32 uncached searches at once over 30 days, from 32 addresses."""
    clients = [Client(port, key, source(i)) for i in range(32)]
    ready.set()

    def search(i):
        word = secrets.token_hex(3)
        return clients[i].request("GET", f"/api/v1/logs?q=*{word}*&start=now-30d&limit=1000")[0]

    return run_threads(32, search, stop, deadline)


def attack_ingest_flood(port, key, stop, deadline, ready):
    """Defect 8: a tenant held at its ingest limit keeps sending 2 MB requests."""
    body = records(10_000, "flood")
    clients = [Client(port, key, source(i)) for i in range(8)]
    ready.set()
    return run_threads(8, lambda i: clients[i].request("POST", "/api/v1/logs", body)[0], stop, deadline)


def attack_far_future(port, key, stop, deadline, ready):
    """Defect 9: records dated 9999-12-31 next to valid ones."""
    body = json.dumps([{"message": "far", "timestamp": "9999-12-31T23:59:59Z"}, {"message": "near"}]).encode()
    clients = [Client(port, key, source(i)) for i in range(4)]
    ready.set()
    return run_threads(4, lambda i: clients[i].request("POST", "/api/v1/logs", body)[0], stop, deadline)


def attack_cache_stats(port, key, stop, deadline, ready):
    """Defect 11: cache statistics asked for without pause from many addresses."""
    clients = [Client(port, key, source(i)) for i in range(16)]
    ready.set()
    return run_threads(16, lambda i: clients[i].request("GET", "/api/v1/cache/stats")[0], stop, deadline)


ATTACKS = [
    attack_slow_connections, attack_long_queries, attack_substring_blowup, attack_big_pages,
    attack_poison_records, attack_attribute_explosion, attack_read_flood, attack_ingest_flood,
    attack_far_future, attack_cache_stats,
]


def attack_process(attack, port, key, stop, ready, seconds, results):
    # The attacker's own CPU would be another machine's; niced, it takes only what is left over.
    os.nice(19)
    deadline = time.time() + seconds + 120
    try:
        results.put(attack(port, key, stop, deadline, ready))
    except Exception as error:  # reported, not raised: the parent decides
        ready.set()
        results.put({"error": repr(error)})


# ---------------------------------------------------------------- the victim and the probe


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def measure_victim(port, key, admin, seconds):
    """Ingests 10 records and searches, alternately every 50 ms, while probing /ready every 250 ms."""
    client = Client(port, key)
    probe = Client(port, admin, timeout=5)
    ingest, search, ready, failures = [], [], [], []
    stop = threading.Event()

    def probing():
        while not stop.is_set():
            started = time.perf_counter()
            status, _ = probe.request("GET", "/ready")
            ready.append(time.perf_counter() - started if status == 200 else 5.0)
            stop.wait(0.25)

    prober = threading.Thread(target=probing, daemon=True)
    prober.start()
    end = time.time() + seconds
    turn = 0
    while time.time() < end:
        started = time.perf_counter()
        if turn % 2 == 0:
            status, _ = client.request("POST", "/api/v1/logs", records(10, "victim", service="checkout", level="ERROR"))
            ingest.append((time.perf_counter() - started) * 1000)
        else:
            status, _ = client.request("GET", "/api/v1/logs?q=service:checkout%20level:ERROR&start=now-15m&limit=50")
            search.append((time.perf_counter() - started) * 1000)
        if status != 200:
            failures.append(status)
        turn += 1
        time.sleep(max(0.0, 0.05 - (time.perf_counter() - started)))
    stop.set()
    prober.join(timeout=10)
    client.close()
    probe.close()
    return {
        "ingest_p95": percentile(ingest, 0.95), "search_p95": percentile(search, 0.95),
        "ready_max": max(ready, default=5.0), "failures": failures, "requests": len(ingest) + len(search),
    }


# ---------------------------------------------------------------- one store


def start_server(binary, work, database_url):
    port = free_port()
    environment = {
        "PATH": os.environ["PATH"], "LOGSMITH_METRICS_TOKEN": secrets.token_urlsafe(32), "LOGSMITH_BCRYPT_COST": "4",
        "LOGSMITH_LIMIT_INGEST_RECORDS": "2000", "LOGSMITH_LIMIT_INGEST_BYTES": str(4 * 1024 * 1024),
        "LOGSMITH_LOG_LEVEL": "warning",
    }
    if database_url:
        environment["LOGSMITH_DATABASE_URL"] = database_url
    server = subprocess.Popen(
        [binary, "serve", "--port", str(port), "--data-dir", f"{work}/data"],
        env=environment, stdout=open(f"{work}/server.log", "w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            status, _ = Client(port, None).request("GET", "/ready")
            if status == 200:
                return server, port
        except OSError:
            pass
        if time.time() > deadline or server.poll() is not None:
            server.kill()
            sys.exit("Logsmith did not start:\n" + Path(f"{work}/server.log").read_text())
        time.sleep(0.2)


def make_tenant(port, admin, name):
    client = Client(port, admin)
    status, _ = client.request("POST", "/api/v1/admin/tenants", json.dumps({"name": name}).encode())
    assert status == 201, f"creating tenant {name}: {status}"
    status, body = client.request(
        "POST", f"/api/v1/admin/keys?tenant={name}", json.dumps({"name": "abuse", "scopes": ["ingest", "read"]}).encode())
    assert status == 201, f"creating a key for {name}: {status}"
    return json.loads(body)["key"]


def run_store(label, binary, database_url, seconds, only):
    rows, problems = [], []
    with tempfile.TemporaryDirectory() as work:
        server, port = start_server(binary, work, database_url)
        try:
            admin = Path(f"{work}/data/initial-admin-key").read_text().strip()
            victim = make_tenant(port, admin, "victim")
            attacker = make_tenant(port, admin, "attacker")
            measure_victim(port, victim, admin, 2)
            baseline = measure_victim(port, victim, admin, seconds)
            rows.append(("baseline", baseline, {}))
            for attack in [a for a in ATTACKS if only is None or a.__name__.removeprefix("attack_") in only]:
                name = attack.__name__.removeprefix("attack_")
                measured, outcome = run_attack(attack, port, attacker, victim, admin, seconds)
                rows.append((name, measured, outcome))
                found = check(label, name, baseline, measured, outcome)
                if found and server.poll() is None:
                    # One noisy window on a shared machine is not a verdict: the attack is measured once
                    # more, and only a second failure counts.
                    measured, outcome = run_attack(attack, port, attacker, victim, admin, seconds)
                    rows.append((name + " (again)", measured, outcome))
                    found = check(label, name, baseline, measured, outcome)
                problems += found
                if server.poll() is not None:
                    problems.append(f"{label}: the server exited during {attack.__name__}")
                    break
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if problems:
            print(Path(f"{work}/server.log").read_text()[-4000:], file=sys.stderr)
    return rows, problems


def run_attack(attack, port, attacker, victim, admin, seconds):
    """Runs one attack in its own process while the victim is measured; returns both sides."""
    stop, ready, results = multiprocessing.Event(), multiprocessing.Event(), multiprocessing.Queue()
    process = multiprocessing.Process(
        target=attack_process, args=(attack, port, attacker, stop, ready, seconds, results), daemon=True)
    process.start()
    ready.wait(timeout=120)
    time.sleep(0.5)
    measured = measure_victim(port, victim, admin, seconds)
    stop.set()
    try:
        outcome = results.get(timeout=60)
    except Exception:
        outcome = {"error": "the attack did not finish"}
    process.join(timeout=10)
    if process.is_alive():
        process.kill()
    # What the attack left queued in the server drains before the next one is measured.
    time.sleep(1)
    return measured, outcome


def check(label, name, baseline, measured, outcome):
    problems = []
    for kind in ["ingest_p95", "search_p95"]:
        allowed = max(ALLOWED_RATIO * baseline[kind], FLOOR_MS)
        if measured[kind] > allowed:
            problems.append(f"{label} {name}: victim {kind} {measured[kind]:.1f} ms > {allowed:.1f} ms allowed")
    if measured["ready_max"] >= READY_LIMIT_S:
        problems.append(f"{label} {name}: /ready took {measured['ready_max']:.2f} s")
    if measured["failures"]:
        problems.append(f"{label} {name}: victim requests failed: {sorted(set(measured['failures']))}")
    if "error" in outcome or 500 in outcome:
        problems.append(f"{label} {name}: attacker saw {outcome}")
    return problems


def table(label, rows):
    baseline = rows[0][1]
    lines = [
        f"### {label}", "",
        "| attack | victim ingest p95 | ratio | victim search p95 | ratio | /ready max | attacker's answers |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, measured, outcome in rows:
        ingest_ratio = measured["ingest_p95"] / baseline["ingest_p95"] if baseline["ingest_p95"] else 0
        search_ratio = measured["search_p95"] / baseline["search_p95"] if baseline["search_p95"] else 0
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(outcome.items(), key=lambda item: str(item[0])))
        lines.append(
            f"| {name} | {measured['ingest_p95']:.1f} ms | {ingest_ratio:.2f} | {measured['search_p95']:.1f} ms "
            f"| {search_ratio:.2f} | {measured['ready_max'] * 1000:.0f} ms | {answers} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logsmith", required=True)
    parser.add_argument("--database-url", help="an empty PostgreSQL database; without it, SQLite only")
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--report", help="also write the tables (Markdown) to this file")
    parser.add_argument("--only", nargs="*", help="run only these attacks (names as in the table)")
    arguments = parser.parse_args()
    stores = [("SQLite", None)] + ([("PostgreSQL", arguments.database_url)] if arguments.database_url else [])
    report, problems = "", []
    for label, url in stores:
        rows, found = run_store(label, arguments.logsmith, url, arguments.seconds, arguments.only)
        report += table(label, rows) + "\n"
        problems += found
    print(report)
    if arguments.report:
        Path(arguments.report).write_text(report)
    if problems:
        sys.exit("abuse suite failed:\n" + "\n".join(problems))
    print("abuse suite passed")


if __name__ == "__main__":
    main()

"""Three Logsmith replicas behind Debian's nginx on a PostgreSQL primary, its standby and one Redis,
one replica killed.

    python check_replicas.py --logsmith BIN --redis-url URL

Starts a PostgreSQL primary and a streaming standby made from it by pg_basebackup (with
scripts/lib/postgres.sh), three replicas of the binary on loopback reading from the standby (the
first migrates and makes the admin key; all share the databases, Redis and the data directory's
secrets) and nginx in front of them (round robin, keep-alive). A live tail is opened on the first
replica. Eight clients then ingest batches of unique records through nginx for 12 s, above the
tenant's records-per-second limit, while a ninth ingests one record at a time and searches for it
right after its acknowledgement; an alert rule with a webhook target watches for errors of one
service. 4 s in, the second replica is killed with SIGKILL, and 3 s later started again; then one
matching error is ingested. Then:

- every record whose batch was acknowledged (200) is stored exactly once, as the primary's table
  says; a batch cut off by the kill (a 502 from nginx) may or may not be (stored twice, it is
  printed); paging through the search via nginx lists every stored record once;
- the records accepted per second stay below twice the tenant's limit, so the replicas share one
  limit through Redis rather than granting it three times (a batch is charged in full once parsed,
  so concurrent batches may overdraw the limit a little, never threefold);
- the tail on the first replica received every acknowledged record it matches, whichever replica
  committed it, the restarted one included;
- every search right after an acknowledged ingest found its record, and the standby served
  searches (read-your-writes through the standby, on whichever replica the search landed);
- the alert rule fired once: its webhook got exactly one firing notification, from whichever
  replica evaluates rules after the kill;
- all three replicas answer through nginx again at the end.

Run by scripts/test; loopback only, every wait bounded, every process stopped on every exit path.
"""

import argparse
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

LIMIT = 1500
SECONDS = 12
KILL_AT, RESTART_AT = 4, 7
CLIENTS = 8
BATCH = 50
PROBES = 40


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what, condition, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    sys.exit(f"not within {seconds} s: {what}")


POSTGRES_LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib", "postgres.sh")


def start_primary_and_standby(primary, standby):
    """A fresh primary in `primary` and its standby in `standby`; their URLs."""
    os.makedirs(primary)
    os.makedirs(standby)
    script = f'source "{POSTGRES_LIB}" && start_postgres "$1" && start_standby "$2" "$pg_port" && echo $pg_url $standby_url'
    output = subprocess.run(["bash", "-c", script, "bash", primary, standby], check=True, capture_output=True,
                            text=True, timeout=180).stdout.split()
    return output[0], output[1]


def psql(url, sql):
    """The rows of a statement, each as `|`-separated text."""
    script = f'source "{POSTGRES_LIB}" && "$pg_bin/psql" "$1" -qAtc "$2"'
    output = subprocess.run(["bash", "-c", script, "bash", url, sql], check=True, capture_output=True, text=True,
                            timeout=120).stdout
    return [line for line in output.splitlines() if line]


def stop_postgres(*directories):
    script = f'source "{POSTGRES_LIB}"; for dir in "$@"; do stop_postgres "$dir"; done'
    subprocess.run(["bash", "-c", script, "bash", *directories], timeout=120)


def reachable(url):
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except OSError:
        return False


def request(url, key, body=None, method=None, content_type="application/x-ndjson"):
    headers = {"Authorization": f"Bearer {key}"}
    if body is not None:
        headers["Content-Type"] = content_type
    try:
        with urllib.request.urlopen(
                urllib.request.Request(url, body, headers, method=method), timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None, b""


class Replica:
    def __init__(self, binary, work, environment):
        self.binary, self.work, self.environment = binary, work, environment
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--data-dir", f"{self.work}/data"],
            env=self.environment, stdout=open(f"{self.work}/replica-{self.port}.log", "a"), stderr=subprocess.STDOUT)
        wait_until(f"replica on {self.port} ready", lambda: reachable(f"http://127.0.0.1:{self.port}/ready"), 60)

    def stop(self, signal_number=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal_number)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Load:
    """Clients posting batches of unique records to `base` for `seconds`, on threads."""

    def __init__(self, base, key, run, seconds):
        self.base, self.key, self.run, self.seconds = base, key, run, seconds
        self.acknowledged, self.cut_off, self.limited = set(), 0, 0
        self.lock = threading.Lock()
        self.started = time.time()
        self.elapsed = 0.0
        self.threads = [threading.Thread(target=self.client, args=(number,)) for number in range(CLIENTS)]
        for thread in self.threads:
            thread.start()

    def client(self, number):
        batch_number = 0
        while time.time() - self.started < self.seconds:
            batch_number += 1
            messages = [f"{self.run} c{number} b{batch_number} r{index}" + (" tailed" if index == 0 else "")
                        for index in range(BATCH)]
            body = "\n".join(json.dumps({"message": message, "service": "replicas"}) for message in messages)
            status, _ = request(f"{self.base}/api/v1/logs", self.key, body.encode())
            with self.lock:
                if status == 200:
                    self.acknowledged.update(messages)
                elif status == 429:
                    self.limited += 1
                else:
                    self.cut_off += 1
            if status == 429:
                time.sleep(0.05)

    def wait(self):
        for thread in self.threads:
            thread.join()
        self.elapsed = time.time() - self.started

    def rate(self):
        return len(self.acknowledged) / self.elapsed


class Prober:
    """One record at a time through `base`, each searched for right after its acknowledgement, until
    PROBES were acknowledged or `seconds` passed."""

    def __init__(self, base, key, run, seconds):
        self.base, self.key, self.run, self.seconds = base, key, run, seconds
        self.found, self.missed, self.skipped = 0, [], 0
        self.thread = threading.Thread(target=self.probe)
        self.thread.start()

    def probe(self):
        started, number = time.time(), 0
        while time.time() - started < self.seconds and self.found + len(self.missed) < PROBES:
            number += 1
            word = f"{self.run}probe{number}"
            status, _ = request(f"{self.base}/api/v1/logs", self.key,
                                json.dumps({"message": word, "service": word}).encode())
            if status != 200:
                self.skipped += 1
                time.sleep(0.05)
                continue
            # An exact service, not the word: a rare word's trigram search may run out of its budget
            # while the load writes into the same hour, which says nothing about consistency.
            status, body = request(f"{self.base}/api/v1/logs?q=service:{word}&start=now-1h", self.key)
            if status != 200:
                self.skipped += 1
            elif len(json.loads(body)["logs"]) == 1:
                self.found += 1
            else:
                self.missed.append(f"{word}: {body[:200]!r}")

    def wait(self):
        self.thread.join()


def standby_reads(replicas, token):
    """The searches the standby served, summed over the replicas' /metrics."""
    total = 0
    prefix = b'logsmith_store_reads_total{server="standby"} '
    for replica in replicas:
        status, body = request(f"http://127.0.0.1:{replica.port}/metrics", token)
        for line in body.splitlines() if status == 200 else []:
            if line.startswith(prefix):
                total += int(float(line[len(prefix):]))
    return total


class Webhook:
    """A loopback receiver of alert notifications: the state and delivery ID of each one."""

    def __init__(self):
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                received.append((body.get("state"), self.headers.get("Logsmith-Delivery")))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *arguments):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def firing(self):
        return {delivery for state, delivery in self.received if state == "firing"}


class Tail:
    """A live tail read on a thread: the messages of every record it delivers."""

    def __init__(self, url, key):
        self.messages, self.lock = set(), threading.Lock()
        self.response = urllib.request.urlopen(
            urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"}), timeout=60)
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        try:
            for line in self.response:
                if line.startswith(b"data: "):
                    with self.lock:
                        self.messages.update(record["message"] for record in json.loads(line[6:]))
        except (OSError, ValueError):
            pass

    def received(self):
        with self.lock:
            return set(self.messages)


def nginx_config(work, port, upstreams):
    servers = "".join(f"server 127.0.0.1:{upstream};" for upstream in upstreams)
    user = "user root;" if os.geteuid() == 0 else ""
    return (f"daemon off; worker_processes 1; pid {work}/nginx.pid; error_log {work}/nginx-error.log warn; {user}"
            "events { worker_connections 1024; }"
            f"http {{ access_log off; upstream logsmith {{ {servers} keepalive 32; }}"
            f"server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass http://logsmith; proxy_http_version 1.1;"
            'proxy_set_header Connection ""; proxy_buffering off; proxy_read_timeout 60s; } } }')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logsmith", required=True)
    parser.add_argument("--redis-url", required=True)
    arguments = parser.parse_args()
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        databases = (f"{work}/primary", f"{work}/standby")
        try:
            primary_url, standby_url = start_primary_and_standby(*databases)
            check(arguments, nginx_binary, work, primary_url, standby_url)
        finally:
            stop_postgres(*databases)


def check(arguments, nginx_binary, work, primary_url, standby_url):
    environment = {
        "PATH": os.environ["PATH"], "LOGSMITH_DATABASE_URL": primary_url, "LOGSMITH_DATABASE_READ_URL": standby_url,
        "LOGSMITH_REDIS_URL": arguments.redis_url, "LOGSMITH_LIMIT_INGEST_RECORDS": str(LIMIT),
        "LOGSMITH_LIMIT_INGEST_RECORDS_PER_KEY": "0", "LOGSMITH_LIMIT_SEARCH": "0",
        "LOGSMITH_CACHE_TTL": "0", "LOGSMITH_BCRYPT_COST": "4", "LOGSMITH_LOG_LEVEL": "warning",
    }
    replicas = [Replica(arguments.logsmith, work, environment) for _ in range(3)]
    nginx = None
    try:
        for replica in replicas:
            replica.start()
        key = open(f"{work}/data/initial-admin-key").read().strip()
        port = free_port()
        with open(f"{work}/nginx.conf", "w") as config:
            config.write(nginx_config(work, port, [replica.port for replica in replicas]))
        nginx = subprocess.Popen([nginx_binary, "-c", f"{work}/nginx.conf", "-p", work],
                                 stdout=subprocess.DEVNULL, stderr=open(f"{work}/nginx.log", "w"))
        base = f"http://127.0.0.1:{port}"
        wait_until("nginx ready", lambda: reachable(f"{base}/health"), 30)
        run = f"run{int(time.time())}"
        tail = Tail(f"http://127.0.0.1:{replicas[0].port}/api/v1/tail?q={run}%20tailed", key)
        time.sleep(1)

        webhook = Webhook()
        rule = {"name": "replica errors", "q": f"service:{run}alert level:error", "window": "5m",
                "interval": "1s", "condition": {"type": "count", "comparison": ">", "threshold": 0},
                "severity": "page", "targets": [{"type": "webhook", "url": webhook.url}]}
        status, body = request(f"{base}/api/v1/alerts/rules", key, json.dumps(rule).encode(), content_type="application/json")
        if status != 201:
            sys.exit(f"creating the alert rule answered {status}: {body[:300]!r}")

        load = Load(base, key, run, SECONDS)
        prober = Prober(base, key, run, SECONDS + 20)
        time.sleep(KILL_AT)
        replicas[1].stop(signal.SIGKILL)
        print(f"replica on port {replicas[1].port} killed with SIGKILL {KILL_AT} s in")
        time.sleep(RESTART_AT - KILL_AT)
        replicas[1].start()
        print(f"restarted {time.time() - load.started:.1f} s in")
        error = json.dumps({"message": "payment declined", "service": f"{run}alert", "level": "error"})
        wait_until("the alert's error acknowledged",
                   lambda: request(f"{base}/api/v1/logs", key, error.encode())[0] == 200, 30)
        load.wait()
        prober.wait()
        acknowledged, elapsed = load.acknowledged, load.elapsed
        print(f"{len(acknowledged)} records acknowledged in {elapsed:.1f} s, {load.limited} batches limited "
              f"(429), {load.cut_off} cut off")

        # Stored once is judged in the primary itself: the records of the run by message, and the
        # record IDs under each (two IDs: inserted twice).
        rows = psql(primary_url, f"SELECT message, count(DISTINCT id) FROM logs WHERE message LIKE '{run} %' "
                                 "GROUP BY message")
        ids = {message: int(count) for message, count in (row.split("|") for row in rows)}
        missing = [message for message in acknowledged if message not in ids]
        inserted_twice = [message for message in acknowledged if ids.get(message, 0) > 1]
        if missing or inserted_twice:
            sys.exit(f"{len(missing)} acknowledged records missing (e.g. {missing[:3]}), "
                     f"{len(inserted_twice)} stored more than once (e.g. {inserted_twice[:3]})")
        print(f"every acknowledged record stored once ({sum(ids.values())} stored in all)")
        unacknowledged = [message for message, count in ids.items() if count > 1]
        if unacknowledged:
            print(f"{len(unacknowledged)} records of batches cut off by the kill were stored twice, "
                  f"e.g. {unacknowledged[:2]}")

        # The same records paged through nginx by the search API, each once: a page cut short by the
        # query budget continues from its cursor, never from a newer position.
        listed, cursor, deadline = [], None, time.time() + 300
        while time.time() < deadline:
            query = {"q": run, "limit": "1000", "start": "now-1h"}
            if cursor:
                query["cursor"] = cursor
            status, body = request(f"{base}/api/v1/logs?{urllib.parse.urlencode(query)}", key)
            if status != 200:
                sys.exit(f"search through nginx answered {status}: {body[:300]!r}")
            page = json.loads(body)
            listed += [record["id"] for record in page["logs"]]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        else:
            sys.exit("paging through the search did not end within 5 minutes")
        if len(listed) != len(set(listed)) or len(set(listed)) < sum(ids.values()):
            sys.exit(f"the search pages listed {len(listed)} records, {len(set(listed))} distinct, "
                     f"of {sum(ids.values())} stored")
        print(f"the search pages listed every stored record once ({len(listed)} with the probes)")

        if load.limited == 0:
            sys.exit("the load never reached the tenant's limit, so the test shows nothing about it")
        if load.rate() > 2 * LIMIT:
            sys.exit(f"three replicas accepted {load.rate():.0f} records/s against a limit of {LIMIT}/s: "
                     "they did not share the tenant's limit")
        print(f"the tenant's limit held across replicas: {load.rate():.0f} records/s accepted through three "
              f"against a limit of {LIMIT}/s")

        tailed = {message for message in acknowledged if message.endswith(" tailed")}
        wait_until(f"the tail on the first replica has all {len(tailed)} acknowledged tailed records",
                   lambda: tailed <= tail.received(), 10)
        print(f"the tail on the first replica received all {len(tailed)} acknowledged records it matches")

        if prober.missed or prober.found < PROBES:
            sys.exit(f"{len(prober.missed)} searches right after an acknowledged ingest missed their record "
                     f"(e.g. {prober.missed[:3]}); {prober.found} found it")
        served = standby_reads(replicas, open(f"{work}/data/metrics-token").read().strip())
        if served < prober.found // 2:
            sys.exit(f"the standby served {served} searches of {prober.found}: reads did not go to it")
        print(f"{prober.found} searches right after their ingest found the record ({prober.skipped} cut off by "
              f"the kill or limited); the standby served {served} searches on the replicas now running")

        wait_until("the alert rule fired", webhook.firing, 30)
        time.sleep(3)
        if len(webhook.firing()) != 1:
            sys.exit(f"the alert fired {len(webhook.firing())} times across the replicas: {webhook.received}")
        print("the alert rule fired once across the replicas, after the kill")
        webhook.server.shutdown()

        for replica in replicas:
            status, _ = request(f"http://127.0.0.1:{replica.port}/ready", key)
            if status != 200:
                sys.exit(f"replica on {replica.port} is not ready at the end ({status})")
        print("all three replicas ready at the end")
    finally:
        if nginx and nginx.poll() is None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for replica in replicas:
            replica.stop()


if __name__ == "__main__":
    main()

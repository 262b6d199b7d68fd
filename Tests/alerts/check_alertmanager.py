"""Alert rules against a real Prometheus Alertmanager (Debian's prometheus-alertmanager) on loopback.

    python check_alertmanager.py --logsmith BIN --alertmanager BIN [--database-url URL]

Starts Alertmanager with config/alertmanager.yml and a Logsmith whose LOGSMITH_ALERTMANAGER_URL names
it, creates a rule grouped by service with an Alertmanager target, ingests errors dated so that they
leave the rule's one-minute window after a few seconds, and checks that the alert appears in
Alertmanager's GET /api/v2/alerts with the labels Alertmanager routes by (alertname, severity,
tenant, the rule's labels, the group value), the annotations and a generatorURL to the matching
search, and that it is resolved there once the condition clears. Run by scripts/test; loopback
only, every wait bounded, both servers stopped on every exit path.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
        time.sleep(0.25)
    sys.exit(f"not within {seconds} s: {what}")


def get_json(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
        return json.loads(response.read())


def reachable(url):
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except OSError:
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logsmith", required=True)
    parser.add_argument("--alertmanager", required=True)
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        am_port, port = free_port(), free_port()
        alertmanager = subprocess.Popen(
            [arguments.alertmanager, f"--config.file={ROOT}/config/alertmanager.yml",
             f"--web.listen-address=127.0.0.1:{am_port}", f"--storage.path={work}/am", "--cluster.listen-address="],
            stdout=open(f"{work}/alertmanager.log", "w"), stderr=subprocess.STDOUT)
        environment = {
            "PATH": os.environ["PATH"], "LOGSMITH_ALERTMANAGER_URL": f"http://127.0.0.1:{am_port}",
            "LOGSMITH_PUBLIC_URL": "http://logs.example.test", "LOGSMITH_BCRYPT_COST": "4",
        }
        if arguments.database_url:
            environment["LOGSMITH_DATABASE_URL"] = arguments.database_url
        logsmith = subprocess.Popen(
            [arguments.logsmith, "serve", "--port", str(port), "--data-dir", f"{work}/data"], env=environment,
            stdout=open(f"{work}/logsmith.log", "w"), stderr=subprocess.STDOUT)
        try:
            base, am = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{am_port}"
            wait_until("Alertmanager ready", lambda: reachable(f"{am}/-/ready"), 30)
            wait_until("Logsmith ready", lambda: reachable(f"{base}/ready"), 60)
            key = Path(f"{work}/data/initial-admin-key").read_text().strip()
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

            def post(path, body):
                request = urllib.request.Request(f"{base}{path}", json.dumps(body).encode(), headers, method="POST")
                with urllib.request.urlopen(request, timeout=10) as response:
                    return json.loads(response.read())

            rule = post("/api/v1/alerts/rules", {
                "name": "CheckoutErrors", "q": "level:>=error", "window": "1m", "interval": "1s",
                "condition": {"type": "count", "comparison": ">=", "threshold": 2}, "group_by": "service",
                "severity": "page", "labels": {"team": "shop"},
                "annotations": {"summary": "checkout is failing", "runbook_url": "https://runbooks.example/checkout"},
                "targets": [{"type": "alertmanager"}],
            })["rule"]
            assert rule["targets"] == [{"type": "alertmanager", "url": am}], rule["targets"]
            stamp = time.time() - 50
            post("/api/v1/logs", [
                {"message": f"payment declined {i}", "service": "checkout", "level": "error", "timestamp": stamp}
                for i in range(3)] + [{"message": "one error", "service": "search", "level": "error"}])

            def ours():
                alerts = get_json(f"{am}/api/v2/alerts")
                return [a for a in alerts if a["labels"].get("logsmith_rule_id") == rule["id"]]

            firing = wait_until("the alert in Alertmanager", lambda: [a for a in ours() if a["status"]["state"] == "active"], 15)
            assert len(firing) == 1, firing
            labels, alert = firing[0]["labels"], firing[0]
            expected = {"alertname": "CheckoutErrors", "severity": "page", "tenant": "default", "team": "shop",
                        "service": "checkout", "logsmith_rule_id": rule["id"]}
            assert labels == expected, labels
            assert alert["annotations"] == {"summary": "checkout is failing",
                                            "runbook_url": "https://runbooks.example/checkout"}, alert["annotations"]
            assert alert["generatorURL"].startswith("http://logs.example.test/#tab=search&q="), alert["generatorURL"]
            assert "service%3A%22checkout%22" in alert["generatorURL"], alert["generatorURL"]
            print(f"firing in Alertmanager with labels {sorted(labels)}")

            wait_until("the alert resolved in Alertmanager", lambda: not [a for a in ours() if a["status"]["state"] == "active"], 30)
            history = get_json(f"{base}/api/v1/alerts/history", {"Authorization": f"Bearer {key}"})["transitions"]
            assert [(t["group"], t["to"]) for t in reversed(history)] == [("checkout", "firing"), ("checkout", "resolved")], history
            deliveries = get_json(f"{base}/api/v1/alerts/deliveries", {"Authorization": f"Bearer {key}"})["deliveries"]
            assert [d["status"] for d in deliveries] == ["delivered", "delivered"], deliveries
            print("resolved in Alertmanager; each transition delivered once")
        finally:
            for process in (logsmith, alertmanager):
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    main()

"""Checks the operations kit with the real tools: the generated files are current, promtool accepts
the Prometheus config and rules and passes the alert unit tests, the dashboards are well formed,
the compose file is valid against the Compose specification schema, and a real Prometheus scraping
a running Logsmith evaluates every recording rule and every dashboard query.

    python check_ops_kit.py --logsmith BIN --compose-schema compose_spec.json

Run by scripts/test. Loopback only; every process it starts is stopped on exit, and every wait is
bounded.
"""

import argparse
import filecmp
import json
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted((ROOT / "config/grafana/dashboards").glob("*.json"))
# Panels that may rightly be empty after a short healthy run.
MAY_BE_EMPTY = {"Errors (5xx) per second by route", "Firing SLO alerts"}


def step(message):
    print(f"--> {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*command, cwd=ROOT):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def generated_files_are_current(work):
    step("slo/generate.py output matches the committed files")
    run(sys.executable, "slo/generate.py", str(work / "generated"))
    for relative in ["slo/rules", "slo/tests", "config/grafana/dashboards"]:
        comparison = filecmp.dircmp(work / "generated" / relative, ROOT / relative)
        stale = comparison.diff_files + comparison.left_only
        if stale:
            sys.exit(f"{relative}: {stale} differ from slo/generate.py's output; run python3 slo/generate.py")


def promtool_checks(work):
    step("promtool check config, check rules, test rules")
    # promtool opens the scrape's token file, which only the container has: point it at a local one.
    config = yaml.safe_load((ROOT / "config/prometheus.yml").read_text())
    (work / "metrics-token-check").write_text("token")
    for scrape in config["scrape_configs"]:
        if "authorization" in scrape:
            scrape["authorization"]["credentials_file"] = str(work / "metrics-token-check")
    as_shipped = work / "prometheus-as-shipped.yml"
    as_shipped.write_text(yaml.safe_dump(config))
    config["rule_files"] = [str(ROOT / "slo/rules/*.yml")]
    local = work / "prometheus-check.yml"
    local.write_text(yaml.safe_dump(config))
    run("promtool", "check", "config", str(as_shipped))
    run("promtool", "check", "config", str(local))
    run("promtool", "check", "rules", *sorted(map(str, (ROOT / "slo/rules").glob("*.yml"))))
    run("promtool", "test", "rules", "slo-alerts-test.yml", cwd=ROOT / "slo/tests")


def dashboards_are_well_formed():
    step("dashboards: unique panel IDs, provisioned datasource UIDs, units, queries")
    provisioned = {
        source["uid"]
        for source in yaml.safe_load((ROOT / "config/grafana/provisioning/datasources/datasources.yml").read_text())[
            "datasources"
        ]
    }
    if {"logsmith-prometheus", "logsmith-jaeger"} - provisioned:
        sys.exit(f"datasources provisioned: {provisioned}")
    titles = set()
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        titles.add(dashboard["title"])
        ids = [panel["id"] for panel in dashboard["panels"]]
        if len(ids) != len(set(ids)):
            sys.exit(f"{path.name}: duplicate panel IDs")
        for panel in dashboard["panels"]:
            name = f"{path.name}: {panel['title']}"
            sources = [panel["datasource"]] + [target["datasource"] for target in panel["targets"]]
            if any(source["uid"] not in provisioned for source in sources):
                sys.exit(f"{name}: datasource UID not provisioned")
            if not panel["fieldConfig"]["defaults"].get("unit"):
                sys.exit(f"{name}: no unit")
            if not panel["targets"] or any(not target.get("expr") for target in panel["targets"]):
                sys.exit(f"{name}: a target without a query")
    if titles != {"Logsmith SLOs", "Logsmith RED", "Logsmith ingest pipeline"}:
        sys.exit(f"dashboards found: {titles}")


def compose_is_valid(schema_path):
    step("docker-compose.yml against the Compose specification schema")
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    jsonschema.validate(compose, json.loads(Path(schema_path).read_text()))
    expected = {"logsmith", "postgres", "redis", "jaeger", "prometheus", "grafana", "alertmanager"}
    if set(compose["services"]) != expected:
        sys.exit(f"services: {set(compose['services'])}")
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./") and not (ROOT / source).exists():
                sys.exit(f"compose mounts {source}, which does not exist")
    environment = compose["services"]["logsmith"]["environment"]
    if environment["OTEL_EXPORTER_OTLP_ENDPOINT"] != "http://jaeger:4318":
        sys.exit("logsmith is not wired to Jaeger")
    scrape = yaml.safe_load((ROOT / "config/prometheus.yml").read_text())["scrape_configs"][0]
    token_file = scrape["authorization"]["credentials_file"]
    if token_file not in " ".join(compose["services"]["prometheus"]["entrypoint"]):
        sys.exit(f"the prometheus service does not write {token_file}, which the scrape reads")
    if "LOGSMITH_METRICS_TOKEN" not in environment:
        sys.exit("logsmith is not given the metrics token")


def request(url, data=None, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=30) as response:
        return response.status, response.read()


def drive_traffic(base, key):
    """Ingest (small and large batches, some invalid records), searches, gets and misses."""
    auth = {"Authorization": f"Bearer {key}"}
    for index in range(40):
        records = "\n".join(
            json.dumps({"message": f"ops check {index} {n}", "level": ["info", "warn", "error"][n % 3], "service": "ops"})
            for n in range(2000 if index % 10 == 0 else 20)
        )
        request(f"{base}/api/v1/logs", records.encode(), {"Content-Type": "application/x-ndjson", **auth})
        bad = json.dumps([{"message": "fine"}, {"level": "info"}]).encode()
        request(f"{base}/api/v1/logs", bad, {"Content-Type": "application/json", **auth})
        request(f"{base}/api/v1/logs?q=" + urllib.parse.quote(f"check {index}"), headers=auth)
        for path in ["/api/v1/logs/0190c0de-0000-7000-8000-000000000000", "/api/v1/correlations/none", "/nowhere"]:
            try:
                request(base + path, headers=auth)
            except urllib.error.HTTPError:
                pass


def query(prometheus, expr):
    try:
        _, body = request(f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    except urllib.error.HTTPError as error:
        body = error.read()
    answer = json.loads(body)
    if answer["status"] != "success":
        sys.exit(f"query failed: {expr}: {answer}")
    return answer["data"]["result"]


def end_to_end(work, logsmith):
    step("a real Prometheus scrapes a running Logsmith and evaluates every rule and dashboard query")
    processes = []
    try:
        app_port, prometheus_port = free_port(), free_port()
        token = secrets.token_urlsafe(32)
        (work / "metrics-token").write_text(token)
        processes.append(subprocess.Popen(
            [logsmith, "serve", "--port", str(app_port), "--data-dir", str(work / "data")],
            env={"LOGSMITH_METRICS_TOKEN": token, "LOGSMITH_LIMIT_SEARCH": "0", "PATH": "/usr/bin:/bin"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        rules = work / "rules"
        rules.mkdir()
        for path in (ROOT / "slo/rules").glob("*.yml"):
            document = yaml.safe_load(path.read_text())
            for group in document["groups"]:
                group["interval"] = "1s"
            (rules / path.name).write_text(yaml.safe_dump(document))
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(rules / "*.yml")],
            "scrape_configs": [{
                "job_name": "logsmith", "static_configs": [{"targets": [f"127.0.0.1:{app_port}"]}],
                "authorization": {"type": "Bearer", "credentials_file": str(work / "metrics-token")},
            }],
        }
        (work / "prometheus.yml").write_text(yaml.safe_dump(config))
        processes.append(subprocess.Popen(
            ["prometheus", f"--config.file={work / 'prometheus.yml'}", f"--storage.tsdb.path={work / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{prometheus_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base, prometheus = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{prometheus_port}"
        deadline = time.time() + 60
        while True:
            try:
                request(f"{base}/health")
                request(f"{prometheus}/-/ready")
                break
            except OSError:
                if time.time() > deadline:
                    sys.exit("Logsmith or Prometheus did not start")
                time.sleep(0.2)
        key = (work / "data/initial-admin-key").read_text().strip()
        drive_traffic(base, key)
        time.sleep(4)
        drive_traffic(base, key)

        recorded = [
            rule["record"]
            for path in (ROOT / "slo/rules").glob("*.yml")
            for group in yaml.safe_load(path.read_text())["groups"]
            for rule in group["rules"] if "record" in rule
        ]
        deadline = time.time() + 60
        while True:
            missing = [name for name in sorted(set(recorded)) if not query(prometheus, name)]
            slos = {series["metric"]["slo"] for series in query(prometheus, "slo:sli_error:ratio_rate30d")}
            if not missing and len(slos) == 4:
                break
            if time.time() > deadline:
                sys.exit(f"recording rules without a value: {missing}; SLOs with a 30d ratio: {slos}")
            time.sleep(1)
        for path in DASHBOARDS:
            for panel in json.loads(path.read_text())["panels"]:
                results = [query(prometheus, target["expr"]) for target in panel["targets"]]
                if panel["title"] not in MAY_BE_EMPTY and not any(results):
                    sys.exit(f"{path.name}: panel {panel['title']!r} has no data")
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logsmith", required=True)
    parser.add_argument("--compose-schema", required=True)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        generated_files_are_current(work)
        promtool_checks(work)
        dashboards_are_well_formed()
        compose_is_valid(options.compose_schema)
        end_to_end(work, options.logsmith)
    print("ops kit: all checks passed")


if __name__ == "__main__":
    main()

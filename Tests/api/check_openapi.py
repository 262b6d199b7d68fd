"""Runs schemathesis against a live Logsmith: every operation of /openapi.json, positive and
negative cases, checking that no answer is a server error and that every answer conforms to the
document (status code, content type, body schema).

    python check_openapi.py --logsmith BIN [--max-examples N] [--seed N]

Run by scripts/test with a small example count; the README's "OpenAPI" section gives the longer
run. Loopback only; the server it starts is stopped on every exit path, and every wait is bounded.
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logsmith", required=True)
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        port = free_port()
        environment = {
            "PATH": os.environ["PATH"], "LOGSMITH_METRICS_TOKEN": secrets.token_urlsafe(32),
            "LOGSMITH_LIMIT_SEARCH": "0", "LOGSMITH_LIMIT_INGEST_RECORDS": "0", "LOGSMITH_BCRYPT_COST": "4",
        }
        server = subprocess.Popen(
            [arguments.logsmith, "serve", "--port", str(port), "--data-dir", f"{work}/data"],
            env=environment, stdout=open(f"{work}/server.log", "w"), stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/ready", timeout=5)
                    break
                except OSError:
                    if time.time() > deadline or server.poll() is not None:
                        sys.exit("Logsmith did not start:\n" + Path(f"{work}/server.log").read_text())
                    time.sleep(0.2)
            key = Path(f"{work}/data/initial-admin-key").read_text().strip()
            command = [
                str(Path(sys.executable).parent / "schemathesis"), "run", f"{base}/openapi.json",
                "--header", f"Authorization: Bearer {key}", "--checks", CHECKS, "--mode", "all",
                "--max-examples", str(arguments.max_examples), "--seed", str(arguments.seed),
                "--request-timeout", "30", "--output-sanitize", "true",
            ]
            # Revoking keys and disabling users last: the stateful phase finds the run's own key
            # through GET /api/v1/admin/keys and would revoke it, leaving only 401s to test.
            last = ["revokeKey", "disableUser"]
            # The live tail streams until the client leaves, which schemathesis cannot do; its
            # problems are tested in TailRoutesTests.
            streaming = ["tailLogs"]
            runs = [
                command
                + [option for operation in last + streaming for option in ("--exclude-operation-id", operation)],
                command + [option for operation in last for option in ("--include-operation-id", operation)],
            ]
            failed = [run for run in runs if subprocess.run(run, cwd=work, stdin=subprocess.DEVNULL, timeout=1500).returncode != 0]
            if failed:
                errors = [line for line in Path(f"{work}/server.log").read_text().splitlines() if '"error"' in line]
                print("\n".join(errors[-20:]), file=sys.stderr)
                sys.exit("schemathesis found failures")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()

"""Writes the SLO recording rules, burn-rate alerts, their promtool unit tests and the Grafana
dashboards from one description of the objectives, so names and thresholds cannot drift apart.

    python3 slo/generate.py        # from the repository root; rewrites the committed files

scripts/test runs it into a temporary directory and fails if the committed output differs.
Needs only the Python standard library (YAML is written as JSON, which YAML parsers read).
"""

import json
import sys
from pathlib import Path

REQUESTS = "http_server_request_duration_seconds"
INGEST = 'http_route="/api/v1/logs",http_request_method="POST"'
SEARCH = 'http_route=~"/api/v1/logs|/api/v1/logs/\\\\{id\\\\}|/api/v1/correlations/\\\\{id\\\\}",http_request_method="GET"'
LOST = 'reason=~"unavailable|store_error"'

# Each SLO: objective, and the error ratio over a window as PromQL (W is replaced by the window).
SLOS = {
    "availability": {
        "objective": 0.999,
        "description": "requests answered without a server error (non-5xx of all requests)",
        "errors": f'sum(rate({REQUESTS}_count{{http_response_status_code=~"5.."}}[W]))',
        "total": f"sum(rate({REQUESTS}_count[W]))",
    },
    "ingest-latency": {
        "objective": 0.99,
        "description": "POST /api/v1/logs requests answered within 0.1 s",
        "errors": f'(sum(rate({REQUESTS}_count{{{INGEST}}}[W])) - sum(rate({REQUESTS}_bucket{{{INGEST},le="0.1"}}[W])))',
        "total": f"sum(rate({REQUESTS}_count{{{INGEST}}}[W]))",
    },
    "search-latency": {
        "objective": 0.99,
        "description": "search, get-by-id and correlation requests answered within 0.5 s",
        "errors": f'(sum(rate({REQUESTS}_count{{{SEARCH}}}[W])) - sum(rate({REQUESTS}_bucket{{{SEARCH},le="0.5"}}[W])))',
        "total": f"sum(rate({REQUESTS}_count{{{SEARCH}}}[W]))",
    },
    "ingest-loss": {
        "objective": 0.999,
        "description": "received records committed or refused for a client reason (not dropped, not lost to a 5xx)",
        "errors": f"sum(rate(logsmith_ingest_rejected_records_total{{{LOST}}}[W]))",
        "total": "(sum(rate(logsmith_ingest_records_total[W])) + sum(rate(logsmith_ingest_rejected_records_total[W])))",
    },
}
WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"]
# (severity, long window, short window, burn rate) as in the SRE workbook, chapter 5.
BURNS = [
    ("page", "1h", "5m", 14.4),
    ("page", "6h", "30m", 6),
    ("ticket", "1d", "2h", 3),
    ("ticket", "3d", "6h", 1),
]


def ratio(slo, window):
    return f"slo:sli_error:ratio_rate{window}{{slo=\"{slo}\"}}"


def recording_rules():
    rules = []
    for slo, spec in SLOS.items():
        rules.append({"record": "slo:objective:ratio", "expr": f"vector({spec['objective']})", "labels": {"slo": slo}})
        for window in WINDOWS:
            errors = spec["errors"].replace("[W]", f"[{window}]")
            total = spec["total"].replace("[W]", f"[{window}]")
            rules.append({
                "record": f"slo:sli_error:ratio_rate{window}",
                "expr": f"(({errors}) or vector(0)) / ({total})",
                "labels": {"slo": slo},
            })
        rules.append({
            "record": "slo:error_budget:remaining_ratio",
            "expr": f"1 - {ratio(slo, '30d')} / (1 - {spec['objective']})",
            "labels": {"slo": slo},
        })
    rules.append({"record": "logsmith:ingest_records:rate1m", "expr": "sum(rate(logsmith_ingest_records_total[1m]))"})
    rules.append({"record": "logsmith:ingest_bytes:rate1m", "expr": "sum(rate(logsmith_ingest_bytes_total[1m]))"})
    return {"groups": [{"name": "logsmith-slo-recording", "interval": "1m", "rules": rules}]}


def alert_name(slo, severity):
    words = "".join(part.capitalize() for part in slo.split("-"))
    return f"Logsmith{words}BudgetBurn{severity.capitalize()}"


def alerting_rules():
    rules = []
    for slo, spec in SLOS.items():
        budget = round(1 - spec["objective"], 6)
        for severity in ("page", "ticket"):
            conditions = [
                f"({ratio(slo, long)} > ({burn} * {budget}) and {ratio(slo, short)} > ({burn} * {budget}))"
                for level, long, short, burn in BURNS if level == severity
            ]
            windows = ", ".join(f"{burn}x over {long} and {short}" for level, long, short, burn in BURNS if level == severity)
            rules.append({
                "alert": alert_name(slo, severity),
                "expr": " or ".join(conditions),
                "for": "2m" if severity == "page" else "15m",
                "labels": {"severity": severity, "slo": slo},
                "annotations": {
                    "summary": f"Logsmith {slo} SLO is burning its error budget ({severity})",
                    "description": (
                        f"The {slo} SLO ({spec['objective'] * 100:g}% of {spec['description']}) is spending its "
                        f"30-day error budget too fast: {windows}. See the dashboard \"Logsmith SLOs\"."
                    ),
                    "runbook_url": f"https://github.com/logsmith/logsmith/blob/main/slo/README.md#{slo}",
                },
            })
    return {"groups": [{"name": "logsmith-slo-alerts", "interval": "1m", "rules": rules}]}


def series_for(slo, error_fraction_per_minute):
    """Input series for promtool: 1,000 events a minute, of which a share are errors, per phase."""
    def counter(steps):
        text, value = [], 0
        for count, per_minute in steps:
            text.append(f"{value}+{per_minute}x{count}")
            value += per_minute * count
        return " ".join(text)

    total_steps = [(minutes, 1000) for minutes, _ in error_fraction_per_minute]
    good_steps = [(minutes, int(1000 * (1 - fraction))) for minutes, fraction in error_fraction_per_minute]
    bad_steps = [(minutes, 1000 - good) for (minutes, _), (_, good) in zip(error_fraction_per_minute, good_steps)]
    if slo == "availability":
        return [
            {"series": f'{REQUESTS}_count{{http_route="/health",http_request_method="GET",http_response_status_code="200"}}', "values": counter(good_steps)},
            {"series": f'{REQUESTS}_count{{http_route="/api/v1/logs",http_request_method="POST",http_response_status_code="503"}}', "values": counter(bad_steps)},
        ]
    if slo in ("ingest-latency", "search-latency"):
        route, method, bound = ("/api/v1/logs", "POST", "0.1") if slo == "ingest-latency" else ("/api/v1/logs", "GET", "0.5")
        labels = f'http_route="{route}",http_request_method="{method}",http_response_status_code="200"'
        return [
            {"series": f"{REQUESTS}_count{{{labels}}}", "values": counter(total_steps)},
            {"series": f'{REQUESTS}_bucket{{{labels},le="{bound}"}}', "values": counter(good_steps)},
        ]
    return [
        {"series": 'logsmith_ingest_records_total{tenant="default",level="info"}', "values": counter(good_steps)},
        {"series": 'logsmith_ingest_rejected_records_total{reason="store_error"}', "values": counter(bad_steps)},
    ]


def alert_tests():
    annotations = {rule["alert"]: rule["annotations"] for rule in alerting_rules()["groups"][0]["rules"]}
    tests = []
    for slo, spec in SLOS.items():
        budget = 1 - spec["objective"]
        page, ticket = alert_name(slo, "page"), alert_name(slo, "ticket")
        labels = lambda severity: {"severity": severity, "slo": slo}
        scenarios = [
            # Healthy: a tenth of the budget's pace for a day fires nothing.
            ([(1500, budget * 0.1)], [(f"{m}m", name, []) for m in (30, 360, 1440) for name in (page, ticket)]),
            # Fast burn: everything fails; the page fires within minutes.
            ([(60, 0.0), (60, 1.0)], [("60m", page, []), ("70m", page, [labels("page")])]),
            # Slow burn: four times the budget's pace; a ticket within hours, never a page.
            ([(480, budget * 4)], [(f"{m}m", page, []) for m in (60, 240, 470)] + [("300m", ticket, [labels("ticket")])]),
            # A fast burn that stopped: the page resolves once the short window is clean.
            ([(60, 0.0), (20, 1.0), (120, 0.0)], [("78m", page, [labels("page")]), ("180m", page, [])]),
        ]
        for phases, checks in scenarios:
            tests.append({
                "interval": "1m",
                "input_series": series_for(slo, phases),
                "alert_rule_test": [
                    {"eval_time": time, "alertname": name,
                     "exp_alerts": [{"exp_labels": expected, "exp_annotations": annotations[name]} for expected in alerts]}
                    if alerts else {"eval_time": time, "alertname": name, "exp_alerts": []}
                    for time, name, alerts in checks
                ],
            })
    return {"rule_files": ["../rules/slo-recording.yml", "../rules/slo-alerts.yml"], "evaluation_interval": "1m", "tests": tests}


PROMETHEUS = {"type": "prometheus", "uid": "logsmith-prometheus"}
JAEGER = {"type": "jaeger", "uid": "logsmith-jaeger"}


def panel(panel_id, title, exprs, unit, x, y, w=12, h=8, kind="timeseries", legend="{{slo}}"):
    return {
        "id": panel_id, "type": kind, "title": title, "datasource": PROMETHEUS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + index), "datasource": PROMETHEUS, "expr": expr, "legendFormat": legend}
            for index, expr in enumerate(exprs)
        ],
    }


def dashboard(uid, title, panels):
    return {
        "uid": uid, "title": title, "tags": ["logsmith"], "timezone": "utc", "schemaVersion": 39,
        "refresh": "30s", "time": {"from": "now-6h", "to": "now"}, "panels": panels,
    }


def slo_dashboard():
    panels, y = [], 0
    for index, slo in enumerate(SLOS):
        base = index * 10 + 1
        panels += [
            panel(base, f"{slo}: SLI (success ratio, 1h and 30d)", [f"1 - {ratio(slo, '1h')}", f"1 - {ratio(slo, '30d')}"], "percentunit", 0, y, w=6, legend="{{slo}}"),
            panel(base + 1, f"{slo}: objective", [f'slo:objective:ratio{{slo="{slo}"}}'], "percentunit", 6, y, w=4, kind="stat"),
            panel(base + 2, f"{slo}: error budget left (30d)", [f'slo:error_budget:remaining_ratio{{slo="{slo}"}}'], "percentunit", 10, y, w=4, kind="stat"),
            panel(base + 3, f"{slo}: burn rate", [f'{ratio(slo, w)} / on(slo) (1 - slo:objective:ratio{{slo="{slo}"}})' for w in ("5m", "1h", "6h", "1d")], "none", 14, y, w=10, legend="{{slo}}"),
        ]
        y += 8
    panels.append(panel(90, "Firing SLO alerts", ['ALERTS{alertstate="firing",slo!=""}'], "none", 0, y, w=24, kind="table", legend="{{alertname}}"))
    return dashboard("logsmith-slos", "Logsmith SLOs", panels)


def red_dashboard():
    by_route = "sum by (http_route, http_request_method)"
    return dashboard("logsmith-red", "Logsmith RED", [
        panel(1, "Requests per second by route", [f"{by_route} (rate({REQUESTS}_count[5m]))"], "reqps", 0, 0, legend="{{http_request_method}} {{http_route}}"),
        panel(2, "Errors (5xx) per second by route", [f'{by_route} (rate({REQUESTS}_count{{http_response_status_code=~"5.."}}[5m]))'], "reqps", 12, 0, legend="{{http_request_method}} {{http_route}}"),
        panel(3, "Client errors (4xx) per second by route", [f'{by_route} (rate({REQUESTS}_count{{http_response_status_code=~"4.."}}[5m]))'], "reqps", 0, 8, legend="{{http_request_method}} {{http_route}}"),
        panel(4, "Latency p50 / p95 / p99 by route", [
            f"histogram_quantile({q}, sum by (le, http_route, http_request_method) (rate({REQUESTS}_bucket[5m])))" for q in (0.5, 0.95, 0.99)
        ], "s", 12, 8, legend="{{http_request_method}} {{http_route}}"),
    ])


def ingest_dashboard():
    return dashboard("logsmith-ingest", "Logsmith ingest pipeline", [
        panel(1, "Records per second by tenant", ["sum by (tenant) (rate(logsmith_ingest_records_total[5m]))", "logsmith:ingest_records:rate1m"], "short", 0, 0, legend="{{tenant}}"),
        panel(2, "Bytes per second by tenant", ["sum by (tenant) (rate(logsmith_ingest_bytes_total[5m]))"], "Bps", 12, 0, legend="{{tenant}}"),
        panel(3, "Rejected records per second by reason", ["sum by (reason) (rate(logsmith_ingest_rejected_records_total[5m]))"], "short", 0, 8, legend="{{reason}}"),
        panel(4, "Batch size p50 / p95 (records)", [f"histogram_quantile({q}, sum by (le) (rate(logsmith_ingest_batch_records_bucket[5m])))" for q in (0.5, 0.95)], "short", 12, 8, legend="batch"),
        panel(5, "Flush time p50 / p99", [f"histogram_quantile({q}, sum by (le) (rate(logsmith_ingest_flush_duration_seconds_bucket[5m])))" for q in (0.5, 0.99)], "s", 0, 16, legend="flush"),
        panel(6, "Queue depth (records)", ["max(logsmith_ingest_queue_records)"], "short", 12, 16, legend="queue"),
        panel(7, "Database connections in use", ["sum by (db_system) (logsmith_store_connections_in_use)"], "short", 0, 24, legend="{{db_system}}"),
        panel(8, "Statement time p95 by operation", ["histogram_quantile(0.95, sum by (le, operation) (rate(logsmith_store_query_duration_seconds_bucket[5m])))"], "s", 12, 24, legend="{{operation}}"),
        panel(9, "Span exporter: exported, dropped, failed per second", [
            "sum(rate(logsmith_otel_spans_exported_total[5m]))", "sum(rate(logsmith_otel_spans_dropped_total[5m]))",
            "sum(rate(logsmith_otel_spans_failed_total[5m]))",
        ], "short", 0, 32, legend="spans"),
        panel(10, "Resident memory", ["process_resident_memory_bytes"], "bytes", 12, 32, legend="{{instance}}"),
    ])


def write(path, document):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    write(root / "slo/rules/slo-recording.yml", recording_rules())
    write(root / "slo/rules/slo-alerts.yml", alerting_rules())
    write(root / "slo/tests/slo-alerts-test.yml", alert_tests())
    write(root / "config/grafana/dashboards/logsmith-slos.json", slo_dashboard())
    write(root / "config/grafana/dashboards/logsmith-red.json", red_dashboard())
    write(root / "config/grafana/dashboards/logsmith-ingest.json", ingest_dashboard())


if __name__ == "__main__":
    main()

"""Writes the seed corpora of the fuzz targets (Fuzz/Corpus/TARGET) from the repository's own data:
records built from LogHub lines in testdata/ (in the shapes shippers send: one object, arrays, the
field spellings ingest understands) with the edge cases of the decoder tests, and the query strings
of the query parser tests. Run again after changing either; scripts/fuzz replays what it wrote.

    python3 Fuzz/make_corpus.py
"""

import csv
import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "Fuzz/Corpus"


def write(target, inputs):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for data in inputs:
        (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def loghub_records():
    records = []
    for system in ["Apache", "HDFS", "OpenSSH", "Spark", "Zookeeper", "Android"]:
        path = next((ROOT / "testdata/loghub" / system).glob("*_structured.csv"))
        with path.open(newline="", encoding="utf-8") as file:
            for index, row in enumerate(csv.DictReader(file)):
                if index == 6:
                    break
                record = {"message": row["Content"], "service": system.lower()}
                if row.get("Level"):
                    record["level"] = row["Level"]
                record["attributes" if index % 2 else "event"] = {"template": row["EventTemplate"], "id": row["EventId"]}
                records.append(record)
    return records


def records_inputs():
    records = loghub_records()
    inputs = [json.dumps(record).encode() for record in records]
    inputs += [json.dumps(records[i:i + 3]).encode() for i in range(0, len(records), 3)]
    inputs += [text.encode() for text in [
        '{"msg": "spelled", "severity": "W", "ts": 1764324000123, "traceId": "4bf92f3577b34da6a3ce929d0e0e4736"}',
        '{"body": "otel", "severity_number": 17, "@timestamp": "2026-11-28T10:15:30.123456789+01:00"}',
        '{"message": "nested", "a": {"b": {"c": [1, 2.5e-3, -0.0, true, null, "\\u00e9\\ud83d\\ude00"]}}}',
        '{"message": "numbers", "big": 18446744073709551616, "small": -9223372036854775808, "x": 1E400}',
        '{"message": "", "level": 3, "time": "1764324000"}',
        '[{"message": "a"}, 0, "b", [], {"level": "info"}]',
        '{"message": "dup", "message": "twice", "id": "x", "tenant": "other"}',
        '"just a string"',
        '[]',
    ]]
    return inputs


def query_inputs():
    source = (ROOT / "Tests/LogQueryTests/QueryParserTests.swift").read_text()
    literals = set()
    for match in re.finditer(r'#"(.*?)"#|"((?:[^"\\\n]|\\.)*)"', source):
        text = match.group(1) if match.group(1) is not None else match.group(2)
        if text.strip():
            literals.add(text)
    literals |= {
        'level:ERROR service:payments "connection timeout"', "status>=500 -level:INFO", "attributes.user_id:42",
        "(a OR b) AND NOT c*", "id:0190c0de-*", 'host:"web 1" OR host:web-2', "timed\\ out", "level:>=WARN",
    }
    return [text.encode() for text in sorted(literals)]


def lines_inputs():
    """The first lines of every shared text file, each behind a byte that picks the format (0: detect)."""
    files = sorted((ROOT / "testdata/loghub").glob("*/*_2k.log")) + sorted((ROOT / "testdata/access").glob("*.log"))
    samples = [b"".join(path.read_bytes().splitlines(keepends=True)[:8]) for path in files]
    samples += [
        b'<165>1 2003-10-11T22:14:15.003Z host app - ID47 [id@1 a="1" b="x\\]y"] \xef\xbb\xbfmessage\n',
        b"<13>Dec  2 10:00:00 web-1 nginx[812]: upstream timed out\n",
        b'ts=2026-12-02T10:00:00Z level=warn msg="cache miss" took_ms=12.5 cold\n',
        b'{"message":"json line","level":"error"}\n{"msg":2}\n[1]\n',
        b"2026-12-02 10:00:01,000 ERROR failed\njava.io.IOException: x\n\tat a.b.C.d(C.java:1)\nCaused by: y\n",
    ]
    return [bytes([choice]) + sample for sample in samples for choice in (0, 1, 2, 3, 4, 5)]


write("records", records_inputs())
write("lines", lines_inputs())
write("query", query_inputs())

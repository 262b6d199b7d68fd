"""Pushes the same Loki streams to Logsmith twice: as the Snappy-compressed protobuf that Promtail,
Grafana Alloy and the Docker driver send (a logproto.PushRequest built from proto/loki/push.proto
with the official protobuf runtime, compressed with python-snappy), and as Loki's JSON push.

Usage: loki_protobuf_push.py BASE_URL SERVICE COUNT
The protobuf push names service SERVICE, the JSON push SERVICE-json; both carry COUNT entries.
Exits 1 unless both are answered 204.
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request

import snappy
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def push_request_class():
    """The PushRequest message class, from the .proto through protoc's descriptor set."""
    with tempfile.NamedTemporaryFile(suffix=".pb") as descriptors:
        subprocess.run(
            ["protoc", "--include_imports", "--descriptor_set_out=" + descriptors.name,
             "-I", os.path.join(ROOT, "proto"), "loki/push.proto"],
            check=True)
        files = descriptor_pb2.FileDescriptorSet.FromString(descriptors.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("logproto.PushRequest"))


def entries(count):
    """(nanoseconds, line, metadata) of each entry."""
    start = 1_795_000_000_123_456_000
    return [(start + index * 1_000, f"payment {index} declined \u00e9", {"order": str(index),
             "trace_id": f"{index + 1:032x}"}) for index in range(count)]


def labels(service):
    return {"service_name": service, "env": "test", "level": "error", "logger": "payments", "team": 'a "quoted" \\ one'}


def label_text(values):
    escaped = (f'{name}="{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
               for name, value in values.items())
    return "{" + ", ".join(escaped) + "}"


def protobuf_body(service, count):
    request = push_request_class()()
    stream = request.streams.add()
    stream.labels = label_text(labels(service))
    for nanoseconds, line, metadata in entries(count):
        entry = stream.entries.add()
        entry.timestamp.seconds, entry.timestamp.nanos = divmod(nanoseconds, 1_000_000_000)
        entry.line = line
        for name, value in metadata.items():
            pair = entry.structuredMetadata.add()
            pair.name, pair.value = name, value
    return snappy.compress(request.SerializeToString())


def json_body(service, count):
    values = [[str(nanoseconds), line, metadata] for nanoseconds, line, metadata in entries(count)]
    return json.dumps({"streams": [{"stream": labels(service), "values": values}]}).encode()


def push(base_url, body, content_type):
    request = urllib.request.Request(base_url + "/loki/api/v1/push", data=body,
                                     headers={"Content-Type": content_type}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def main():
    base_url, service, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    statuses = [push(base_url, protobuf_body(service, count), "application/x-protobuf"),
                push(base_url, json_body(service + "-json", count), "application/json")]
    print(statuses)
    sys.exit(0 if statuses == [204, 204] else 1)


if __name__ == "__main__":
    main()

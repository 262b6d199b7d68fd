"""Writes the golden OTLP request bytes the Swift encoder is compared with.

The bytes come from the official opentelemetry-proto package, so a passing test means our hand-written
encoder produces exactly what the reference implementation does. Run by scripts/test before the
Swift tests; the output is committed too, so the Swift tests also run without Python.

    python make_fixtures.py ../TelemetryTests/Fixtures
"""

import sys
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, KeyValue, KeyValueList
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

TRACE_ID = bytes.fromhex("4bf92f3577b34da6a3ce929d0e0e4736")
SPAN_ID = bytes.fromhex("00f067aa0ba902b7")
PARENT_ID = bytes.fromhex("a3ce929d0e0e4736")
LINK_TRACE_ID = bytes.fromhex("0af7651916cd43dd8448eb211c80319c")
LINK_SPAN_ID = bytes.fromhex("b7ad6b7169203331")


def kv(key, value):
    return KeyValue(key=key, value=value)


def every_kind_span():
    """A span with attributes of every AnyValue kind, an event, a link and an error status."""
    span = Span(
        trace_id=TRACE_ID,
        span_id=SPAN_ID,
        trace_state="congo=t61rcWkgMzE",
        parent_span_id=PARENT_ID,
        flags=1,
        name="GET /api/v1/logs/{id}",
        kind=Span.SPAN_KIND_SERVER,
        start_time_unix_nano=1_700_000_000_123_456_789,
        end_time_unix_nano=1_700_000_000_223_456_789,
    )
    span.attributes.extend([
        kv("a.string", AnyValue(string_value="héllo")),
        kv("b.bool", AnyValue(bool_value=False)),
        kv("c.int", AnyValue(int_value=-42)),
        kv("d.double", AnyValue(double_value=0.25)),
        kv("e.array", AnyValue(array_value=ArrayValue(values=[AnyValue(int_value=1), AnyValue(string_value="two")]))),
        kv("f.kvlist", AnyValue(kvlist_value=KeyValueList(values=[kv("inner", AnyValue(bool_value=True))]))),
        kv("g.bytes", AnyValue(bytes_value=b"\x00\x01\xff")),
        kv("h.empty", AnyValue(string_value="")),
        kv("i.zero", AnyValue(int_value=0)),
    ])
    event = span.events.add()
    event.time_unix_nano = 1_700_000_000_200_000_000
    event.name = "exception"
    event.attributes.extend([kv("exception.type", AnyValue(string_value="StoreError"))])
    link = span.links.add()
    link.trace_id = LINK_TRACE_ID
    link.span_id = LINK_SPAN_ID
    link.flags = 1
    link.attributes.extend([kv("logsmith.link", AnyValue(string_value="request"))])
    span.status.CopyFrom(Status(code=Status.STATUS_CODE_ERROR, message="boom"))
    return span


def minimal_span():
    """A root INTERNAL span, unsampled, with nothing optional set."""
    return Span(
        trace_id=LINK_TRACE_ID,
        span_id=LINK_SPAN_ID,
        name="ingest.flush",
        kind=Span.SPAN_KIND_INTERNAL,
        start_time_unix_nano=1,
        end_time_unix_nano=2,
    )


def request(spans):
    message = ExportTraceServiceRequest()
    resource_spans = message.resource_spans.add()
    resource_spans.resource.attributes.extend([
        kv("service.name", AnyValue(string_value="logsmith")),
        kv("service.version", AnyValue(string_value="0.1.0")),
    ])
    scope_spans = resource_spans.scope_spans.add()
    scope_spans.scope.name = "logsmith"
    scope_spans.scope.version = "0.1.0"
    scope_spans.spans.extend(spans)
    return message.SerializeToString()


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "every-kind.bin").write_bytes(request([every_kind_span()]))
    (out / "minimal.bin").write_bytes(request([minimal_span()]))
    (out / "two-spans.bin").write_bytes(request([every_kind_span(), minimal_span()]))


if __name__ == "__main__":
    main()

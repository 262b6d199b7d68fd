"""Sends log records to Logsmith through the official OpenTelemetry Python SDK, the way an
instrumented service does: Python logging -> LoggingHandler -> BatchLogRecordProcessor ->
OTLPLogExporter (OTLP/HTTP protobuf, gzip), inside a span so each record carries trace context.

Usage: otel_sdk_logs.py BASE_URL API_KEY SERVICE COUNT
Prints the trace ID (32 hex digits); exits 1 if any export did not succeed.
"""

import logging
import sys

from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider


class RecordingExporter(OTLPLogExporter):
    """The SDK's exporter, remembering whether each export succeeded."""

    results = []

    def export(self, batch):
        result = super().export(batch)
        self.results.append(result.name)
        return result


def main():
    base_url, key, service, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    resource = Resource.create(
        {"service.name": service, "host.name": "sdk-host", "deployment.environment.name": "test"}
    )
    provider = LoggerProvider(resource=resource)
    exporter = RecordingExporter(
        endpoint=base_url + "/v1/logs",
        headers={"Authorization": "Bearer " + key},
        compression=Compression.Gzip,
        timeout=30,
    )
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter, max_export_batch_size=100))
    logger = logging.getLogger("checkout")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(LoggingHandler(level=logging.DEBUG, logger_provider=provider))
    tracer = TracerProvider().get_tracer("checkout")
    with tracer.start_as_current_span("checkout") as span:
        for index in range(count):
            logger.warning("order %d failed", index, extra={"order.id": index})
        trace_id = format(span.get_span_context().trace_id, "032x")
    provider.force_flush(10_000)
    provider.shutdown()
    print(trace_id)
    if not exporter.results or any(result != "SUCCESS" for result in exporter.results):
        print("exports:", exporter.results, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

"""A fake OTLP/HTTP trace collector for the tests, decoding with the official opentelemetry-proto.

    python collector.py [--throttle N] [--slow SECONDS] [--discard]

Listens on a free loopback port and prints it as the first line of stdout. POST /v1/traces decodes
the (optionally gzip-compressed) ExportTraceServiceRequest; GET /received answers JSON with every
request seen (arrival time, headers, the status answered) and every span decoded, with the
resource attributes it came with. --throttle N answers the first N posts with 429 and
Retry-After: 1; --slow S waits S seconds before answering each post; --discard answers 200 and
keeps nothing (a sink for benchmarks).
"""

import argparse
import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

lock = threading.Lock()
received = {"requests": [], "spans": []}
options = None


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if options.discard:
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        with lock:
            posts = len(received["requests"])
            status = 429 if posts < options.throttle else 200
            received["requests"].append({
                "time": time.time(),
                "headers": {key.lower(): value for key, value in self.headers.items()},
                "status": status,
            })
            if status == 200:
                message = ExportTraceServiceRequest.FromString(body)
                for resource_spans in message.resource_spans:
                    resource = MessageToDict(resource_spans.resource, preserving_proto_field_name=True)
                    for scope_spans in resource_spans.scope_spans:
                        for span in scope_spans.spans:
                            record = MessageToDict(span, preserving_proto_field_name=True)
                            record["trace_id"] = span.trace_id.hex()
                            record["span_id"] = span.span_id.hex()
                            record["parent_span_id"] = span.parent_span_id.hex()
                            record["links"] = [
                                {"trace_id": link.trace_id.hex(), "span_id": link.span_id.hex()}
                                for link in span.links
                            ]
                            record["resource"] = resource
                            received["spans"].append(record)
        if options.slow:
            time.sleep(options.slow)
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        with lock:
            payload = json.dumps(received).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def main():
    global options
    parser = argparse.ArgumentParser()
    parser.add_argument("--throttle", type=int, default=0)
    parser.add_argument("--slow", type=float, default=0)
    parser.add_argument("--discard", action="store_true")
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

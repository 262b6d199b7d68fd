"""Pushes log records to Logsmith's Loki route through python-logging-loki's LokiHandler (Loki's
JSON push API, one request per record), as a Python service that ships to Loki does.

Usage: loki_push.py BASE_URL SERVICE COUNT
Exits 1 if any push was not answered 204.
"""

import logging
import sys

import logging_loki


class CountingHandler(logging_loki.LokiHandler):
    """The library's handler, counting the pushes that failed (it only reports them on stderr)."""

    failures = 0

    def handleError(self, record):
        CountingHandler.failures += 1
        super().handleError(record)


def main():
    base_url, service, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    handler = CountingHandler(
        url=base_url + "/loki/api/v1/push", tags={"service_name": service, "env": "test"}, version="1"
    )
    logger = logging.getLogger("payments")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    for index in range(count):
        logger.error("payment %d declined", index, extra={"tags": {"order": str(index)}})
    sys.exit(1 if CountingHandler.failures else 0)


if __name__ == "__main__":
    main()

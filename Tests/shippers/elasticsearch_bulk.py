"""Ingests documents into Logsmith through the official Elasticsearch Python client, as a service
that ships to Elasticsearch does: info() (the client's product check), then helpers.bulk.

Usage: elasticsearch_bulk.py BASE_URL API_KEY|- SERVICE COUNT BAD_POSITIONS
BAD_POSITIONS is a comma-separated list of documents sent with an invalid @timestamp.
Prints {"version", "stored", "failed": [positions]} as JSON.
"""

import datetime
import json
import sys

from elasticsearch import Elasticsearch, helpers


def main():
    base_url, key, service, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    bad = {int(position) for position in sys.argv[5].split(",") if position}
    client = Elasticsearch(base_url, api_key=key) if key != "-" else Elasticsearch(base_url)
    version = client.info()["version"]["number"]
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()

    def actions():
        for position in range(count):
            yield {
                "_index": "orders",
                "_id": str(position),
                "_source": {
                    "@timestamp": "not a time" if position in bad else now,
                    "message": f"order {position} shipped",
                    "service": {"name": service},
                    "log.level": "warn",
                    "position": position,
                },
            }

    stored, errors = helpers.bulk(client, actions(), raise_on_error=False, chunk_size=500)
    failed = sorted(int(error["index"]["_id"]) for error in errors)
    print(json.dumps({"version": version, "stored": stored, "failed": failed}))


if __name__ == "__main__":
    main()

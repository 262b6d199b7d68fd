# Multi-stage build: compile with the Swift toolchain, run on a slim image as a non-root user.
FROM swift:6.2-bookworm AS build
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product logsmith --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/logsmith" /logsmith

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libcurl4 libxml2 tzdata zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/logsmith --create-home logsmith
COPY --from=build /logsmith /usr/local/bin/logsmith
USER logsmith
WORKDIR /var/lib/logsmith
ENV LOGSMITH_HOST=0.0.0.0 LOGSMITH_PORT=8080 LOGSMITH_DATA_DIR=/var/lib/logsmith
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/logsmith"]
CMD ["serve"]

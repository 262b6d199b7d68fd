import Foundation
import Testing

/// The syslog listener with real senders (util-linux `logger`, rsyslog's `omfwd`) and hostile ones.
@Suite("Syslog listener", .serialized)
struct SyslogTests {
    static let environment = [
        "LOGSMITH_AUTH": "off", "LOGSMITH_SYSLOG_TCP": "127.0.0.1:0", "LOGSMITH_SYSLOG_UDP": "127.0.0.1:0",
        "LOGSMITH_LIMIT_SEARCH": "0",
    ]

    @Test("logger over TCP and UDP, RFC 5424 and 3164, octet counting, and rsyslog forwarding: every field stored")
    func realSenders() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await ServerProcess(dataDirectory: directory, environment: Self.environment)
            defer { server.terminate() }
            let tcp = try #require(server.loggedPort("syslog listening", "network.transport", "tcp"))
            let udp = try #require(server.loggedPort("syslog listening", "network.transport", "udp"))
            try await bash(
                #"""
                logger --tcp -n 127.0.0.1 -P "$1" --rfc5424 -i -t app5424 -p local3.err --msgid M1 \
                    --sd-id meta@1 --sd-param 'k="v"' "tcp rfc5424 message"
                logger --udp -n 127.0.0.1 -P "$2" --rfc3164 -t app3164 -p daemon.warning "udp rfc3164 message"
                logger --tcp --octet-count -n 127.0.0.1 -P "$1" --rfc5424 -t appcount -p user.debug "octet counted"
                """#, [String(tcp), String(udp)])
            let rfc5424 = try await Self.record(port: server.port, query: "service:app5424", in: directory)
            #expect(rfc5424["message"] as? String == "tcp rfc5424 message")
            #expect(rfc5424["level"] as? String == "ERROR")
            #expect(
                rfc5424["host"] as? String
                    == ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init))
            let attributes = rfc5424["attributes"] as? [String: Any] ?? [:]
            #expect(attributes["syslog.facility"] as? String == "local3")
            #expect(attributes["syslog.msgid"] as? String == "M1")
            #expect(attributes["meta@1.k"] as? String == "v")
            #expect(Int(attributes["syslog.procid"] as? String ?? "") != nil)
            let rfc3164 = try await Self.record(port: server.port, query: "service:app3164", in: directory)
            #expect(rfc3164["message"] as? String == "udp rfc3164 message")
            #expect(rfc3164["level"] as? String == "WARN")
            #expect((rfc3164["attributes"] as? [String: Any])?["syslog.facility"] as? String == "daemon")
            let counted = try await Self.record(port: server.port, query: "service:appcount", in: directory)
            #expect(counted["message"] as? String == "octet counted")
            #expect(counted["level"] as? String == "DEBUG")

            try await bash(
                #"""
                dir="$1"; in_port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
                mkdir -p "$dir/rsyslog"
                cat > "$dir/rsyslog/rsyslog.conf" <<CONF
                global(workDirectory="$dir/rsyslog")
                module(load="imudp")
                input(type="imudp" address="127.0.0.1" port="$in_port")
                action(type="omfwd" target="127.0.0.1" port="$2" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
                action(type="omfwd" target="127.0.0.1" port="$3" protocol="udp" template="RSYSLOG_TraditionalForwardFormat")
                CONF
                rsyslogd -n -f "$dir/rsyslog/rsyslog.conf" -i "$dir/rsyslog/pid" > "$dir/rsyslog/out" 2>&1 &
                rsyslog=$!
                trap 'kill -9 $rsyslog 2>/dev/null; wait $rsyslog 2>/dev/null' EXIT
                for _ in $(seq 50); do [ -s "$dir/rsyslog/pid" ] && break; sleep 0.1; done
                sleep 0.5
                logger --udp -n 127.0.0.1 -P "$in_port" --rfc3164 -t viarsyslog -p mail.notice "forwarded through rsyslog"
                sleep 2
                """#, [directory + "-rs", String(tcp), String(udp)])
            defer { try? FileManager.default.removeItem(atPath: directory + "-rs") }
            let forwarded = try await Self.records(
                port: server.port, query: "service:viarsyslog", in: directory, atLeast: 2)
            #expect(forwarded.count == 2)
            for record in forwarded {
                #expect(record["message"] as? String == "forwarded through rsyslog")
                #expect(record["level"] as? String == "INFO")
                #expect((record["attributes"] as? [String: Any])?["syslog.facility"] as? String == "mail")
            }
        }
    }

    @Test("garbage, 1 MB messages, invalid UTF-8, a slowloris client and a UDP flood are bounded and counted")
    func hostileSenders() async throws {
        try await withTemporaryDirectory { directory in
            var environment = Self.environment
            environment["LOGSMITH_LIMIT_INGEST_RECORDS"] = "0"
            let server = try await ServerProcess(dataDirectory: directory, environment: environment)
            defer { server.terminate() }
            let tcp = try #require(server.loggedPort("syslog listening", "network.transport", "tcp"))
            let udp = try #require(server.loggedPort("syslog listening", "network.transport", "udp"))
            try await bash(
                #"""
                python3 - "$1" "$2" "$3" <<'PY'
                import os, socket, sys, time, urllib.request
                tcp, udp, http = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
                slow = []
                for _ in range(50):
                    s = socket.create_connection(("127.0.0.1", tcp)); s.send(b"<13>"); slow.append(s)
                big = socket.create_connection(("127.0.0.1", tcp))
                big.sendall(b"x" * 1_048_576 + b"\n" + b"\xff\xfe\xfd\n" + os.urandom(4096).replace(b"\n", b" ") + b"\n")
                big.sendall(b"99999999999 " + b"y" * 1000 + b"\n")
                big.close()
                ok = socket.create_connection(("127.0.0.1", tcp))
                ok.sendall(b"<13>Dec  2 10:00:00 h survivor: after the garbage\n"); ok.close()
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                deadline = time.time() + 3
                sent = 0
                while time.time() < deadline and sent < 20000:
                    u.sendto(b"<14>Dec  2 10:00:00 h flood: datagram %d" % sent, ("127.0.0.1", udp)); sent += 1
                u.sendto(os.urandom(2000), ("127.0.0.1", udp))
                for s in slow: s.send(b"1")
                with urllib.request.urlopen(f"http://127.0.0.1:{http}/health", timeout=5) as r: assert r.status == 200
                for s in slow: s.close()
                PY
                """#, [String(tcp), String(udp), String(server.port)])
            let survivor = try await Self.record(port: server.port, query: "service:survivor", in: directory)
            #expect(survivor["message"] as? String == "after the garbage")
            let flood = try await Self.records(port: server.port, query: "service:flood", in: directory, atLeast: 1)
            #expect(!flood.isEmpty)
            var metrics = ""
            for _ in 0..<100 {
                metrics = try await Self.get("/metrics", port: server.port, in: directory).split(separator: "\n")
                    .filter { $0.hasPrefix("logsmith_syslog") }.joined(separator: "\n")
                if metrics.contains(#"outcome="rejected""#) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(metrics.contains(#"logsmith_syslog_messages_total{transport="tcp",outcome="oversized"} 1"#))
            #expect(metrics.contains(#"logsmith_syslog_messages_total{transport="tcp",outcome="framing_error"} 1"#))
            #expect(metrics.contains(#"outcome="rejected"#))
        }
    }

    /// The one record a query finds, waiting up to 10 s for it to be committed.
    static func record(port: Int, query: String, in directory: String) async throws -> [String: Any] {
        let found = try await records(port: port, query: query, in: directory, atLeast: 1)
        #expect(found.count == 1, "\(query)")
        return try #require(found.first)
    }

    /// The records a query finds once there are at least `atLeast` (or after 10 s).
    static func records(port: Int, query: String, in directory: String, atLeast: Int) async throws
        -> [[String: Any]]
    {
        var found: [[String: Any]] = []
        for _ in 0..<100 {
            let body = try await get("/api/v1/logs?limit=1000&q=\(encoded(query))", port: port, in: directory)
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            found = object?["logs"] as? [[String: Any]] ?? []
            if found.count >= atLeast { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return found
    }

    static func get(_ path: String, port: Int, in directory: String) async throws -> String {
        let output = directory + "-get.out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        try await bash(#"curl -sf "http://127.0.0.1:$1$2" > "$3""#, [String(port), path, output])
        return try String(contentsOfFile: output, encoding: .utf8)
    }
}

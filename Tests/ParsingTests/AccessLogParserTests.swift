import LogModel
import Parsing
import TestSupport
import Testing

@Suite("Access log parser")
struct AccessLogParserTests {
    @Test("every line of the nginx sample parses, with the request's fields")
    func nginxSample() throws {
        let lines = try TestData.lines("access/nginx_access.log")
        #expect(lines.count == 29_479)
        var ipv6 = 0
        for (index, line) in lines.enumerated() {
            let parsed = try AccessLogParser.parse(line).get()
            #expect(parsed.fields["http.status"] != nil, "line \(index + 1)")
            #expect(parsed.timestamp != nil, "line \(index + 1)")
            if parsed.text("client.ip")?.contains(":") == true { ipv6 += 1 }
        }
        #expect(ipv6 == 31)
        let first = try AccessLogParser.parse(lines[0]).get()
        #expect(first.text("client.ip") == "93.180.71.3")
        #expect(first.text("http.method") == "GET")
        #expect(first.text("http.path") == "/downloads/product_1")
        #expect(first.text("http.version") == "1.1")
        #expect(first.fields["http.status"] == .integer(304))
        #expect(first.fields["http.response.bytes"] == .integer(0))
        #expect(first.fields["http.referrer"] == nil)
        #expect(first.text("user_agent.original") == "Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)")
        #expect(first.text("message") == "GET /downloads/product_1 HTTP/1.1")
        #expect(first.timestamp == Timestamp(rfc3339: "2015-05-17T08:05:32Z"))
        #expect(first.level == .info)
    }

    @Test("the Apache sample parses but for its one malformed line, 8,899")
    func apacheSample() throws {
        let lines = try TestData.lines("access/apache_access.log")
        #expect(lines.count == 10_000)
        var rejected: [Int: String] = [:]
        for (index, line) in lines.enumerated() {
            if case .failure(let rejection) = AccessLogParser.parse(line) { rejected[index + 1] = rejection.reason }
        }
        #expect(Array(rejected.keys) == [8_899])
        #expect(rejected[8_899]?.contains("user agent") == true)
    }

    @Test("variants: common format, query strings, levels from status, request times, escaped quotes, IPv6")
    func variants() throws {
        let common = try AccessLogParser.parse(
            #"::1 - alice [02/Dec/2026:13:00:00 +0100] "POST /api/items?page=2&q=x HTTP/2.0" 503 -"#
        ).get()
        #expect(common.text("client.ip") == "::1")
        #expect(common.text("user.name") == "alice")
        #expect(common.text("http.path") == "/api/items")
        #expect(common.text("http.query") == "page=2&q=x")
        #expect(common.fields["http.response.bytes"] == nil)
        #expect(common.level == .error)
        #expect(common.timestamp == Timestamp(rfc3339: "2026-12-02T12:00:00Z"))

        let timed = try AccessLogParser.parse(
            #"10.0.0.1 - - [02/Dec/2026:13:00:00 +0000] "GET /a HTTP/1.1" 404 12 "-" "curl \"quoted\" 8.0" 0.123 "10.1.1.1""#
        ).get()
        #expect(timed.text("user_agent.original") == #"curl "quoted" 8.0"#)
        #expect(timed.fields["duration_ms"] == .double(123))
        #expect(timed.level == .warn)

        let apacheMicros = try AccessLogParser.parse(
            #"10.0.0.1 - - [02/Dec/2026:13:00:00 +0000] "GET /b HTTP/1.1" 200 5 "http://x/" "ua" 2500"#
        ).get()
        #expect(apacheMicros.fields["duration_ms"] == .double(2.5))
        #expect(apacheMicros.text("http.referrer") == "http://x/")

        let keyed = try AccessLogParser.parse(
            #"10.0.0.1 - - [02/Dec/2026:13:00:00 +0000] "GET /c HTTP/1.1" 200 5 "-" "ua" rt=1.5 uct="0.001""#
        ).get()
        #expect(keyed.fields["duration_ms"] == .double(1500))
    }

    @Test("lines that are not access logs are rejected with a reason")
    func rejections() {
        for line in [
            "", "hello world", #"1.2.3.4 - - [bad time] "GET / HTTP/1.1" 200 1"#,
            #"1.2.3.4 - - [02/Dec/2026:13:00:00 +0000] "GET / HTTP/1.1" abc 1"#,
            #"1.2.3.4 - - [02/Dec/2026:13:00:00 +0000] "GET / HTTP/1.1"#,
        ] {
            guard case .failure(let rejection) = AccessLogParser.parse(line) else {
                Issue.record("accepted \(line)")
                continue
            }
            #expect(!rejection.reason.isEmpty)
        }
    }
}

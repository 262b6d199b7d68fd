import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// Every bad request gets a 4xx `application/problem+json` that names the field and the reason.
@Suite("Problem responses")
struct ProblemResponseTests {
    /// Checks the status and problem+json shape, and returns the body.
    func expectProblem(_ response: TestResponse, _ status: HTTPResponse.Status) throws -> [String: Any] {
        #expect(response.status == status)
        #expect(response.headers[.contentType] == "application/problem+json")
        let body = try response.json()
        #expect(body["status"] as? Int == status.code)
        #expect(body["title"] as? String == status.reasonPhrase)
        #expect((body["type"] as? String)?.isEmpty == false)
        #expect((body["detail"] as? String)?.isEmpty == false)
        return body
    }

    @Test("malformed JSON is a 400")
    func ingest_malformedJSON_400() async throws {
        try await withApp { client in
            let body = try expectProblem(try await client.ingest(#"{"message": "x""#), .badRequest)
            #expect((body["detail"] as? String)?.hasPrefix("body is not valid JSON") == true)
        }
    }

    @Test("a JSON scalar body is a 400")
    func ingest_scalarBody_400() async throws {
        try await withApp { client in
            _ = try expectProblem(try await client.ingest("42"), .badRequest)
        }
    }

    @Test(
        "wrong types name the field",
        arguments: [
            (#"{"message": 5}"#, "message: must be a string, not number"),
            (#"{"message": "x", "service": ["a"]}"#, "service: must be a string, not array"),
            (#"{"message": "x", "attributes": "flat"}"#, "attributes: must be an object, not string"),
            (#"{"message": "x", "severity_number": 99}"#, "severity_number: must be an integer from 1 to 24"),
            (#"{"message": "x", "level": true}"#, "level: must be a string or a number, not boolean"),
            (#"{"level": "info"}"#, "message: is required"),
        ])
    func ingest_wrongTypes_400(body: String, reason: String) async throws {
        try await withApp { client in
            let problem = try expectProblem(try await client.ingest(body), .badRequest)
            let errors = try #require(problem["errors"] as? [[String: Any]])
            #expect(errors.first?["index"] as? Int == 0)
            #expect(errors.first?["reason"] as? String == reason)
        }
    }

    @Test("an invalid timestamp is a 400", arguments: ["2026-13-01T00:00:00Z", "yesterday", "2026-02-30T00:00:00Z"])
    func ingest_invalidTimestamp_400(timestamp: String) async throws {
        try await withApp { client in
            let problem = try expectProblem(
                try await client.ingest(#"{"message": "x", "timestamp": "\#(timestamp)"}"#), .badRequest)
            let reason = (problem["errors"] as? [[String: Any]])?.first?["reason"] as? String
            #expect(reason?.hasPrefix("timestamp: invalid timestamp") == true)
        }
    }

    @Test("an unknown level is a 400")
    func ingest_unknownLevel_400() async throws {
        try await withApp { client in
            let problem = try expectProblem(try await client.ingest(#"{"message": "x", "level": "loud"}"#), .badRequest)
            let reason = (problem["errors"] as? [[String: Any]])?.first?["reason"] as? String
            #expect(reason == #"level: unknown level "loud""#)
        }
    }

    @Test("an empty array or empty NDJSON is a 400")
    func ingest_empty_400() async throws {
        try await withApp { client in
            _ = try expectProblem(try await client.ingest("[]"), .badRequest)
            _ = try expectProblem(try await client.ingest("\n\n", contentType: "application/x-ndjson"), .badRequest)
        }
    }

    @Test("10,001 records in one request is a 413")
    func ingest_tooManyRecords_413() async throws {
        try await withApp { client in
            let body = String(repeating: "{\"message\":\"m\"}\n", count: 10_001)
            _ = try expectProblem(try await client.ingest(body, contentType: "application/x-ndjson"), .contentTooLarge)
        }
    }

    @Test("an 11 MiB body is a 413")
    func ingest_oversizedBody_413() async throws {
        try await withApp { client in
            let message = String(repeating: "a", count: 11 * 1024 * 1024)
            _ = try expectProblem(try await client.ingest(#"{"message": "\#(message)"}"#), .contentTooLarge)
        }
    }

    @Test("a message over the size limit is rejected by index")
    func ingest_oversizedMessage_rejected() async throws {
        try await withApp { client in
            let message = String(repeating: "a", count: 70_000)
            let problem = try expectProblem(try await client.ingest(#"{"message": "\#(message)"}"#), .badRequest)
            let reason = (problem["errors"] as? [[String: Any]])?.first?["reason"] as? String
            #expect(reason == "message: is longer than 65536 bytes")
        }
    }

    @Test("other content types are a 415", arguments: ["text/plain", "application/x-www-form-urlencoded"])
    func ingest_wrongContentType_415(contentType: String) async throws {
        try await withApp { client in
            _ = try expectProblem(try await client.ingest("{}", contentType: contentType), .unsupportedMediaType)
        }
    }

    @Test("a bad cursor is a 400 naming the parameter")
    func search_badCursor_400() async throws {
        try await withApp { client in
            let problem = try expectProblem(try await client.get("/api/v1/logs?cursor=garbage"), .badRequest)
            #expect((problem["errors"] as? [[String: Any]])?.first?["parameter"] as? String == "cursor")
        }
    }

    @Test(
        "a bad query is a 400 pointing at the position",
        arguments: [
            ("(level:ERROR", 12, "expected ')'"),
            ("service:api )", 12, "unexpected ')'"),
            ("\"open phrase", 0, "unterminated quoted phrase"),
            ("level:loud", 6, "unknown level \"loud\""),
            ("duration_ms>fast", 12, "expected a number after 'duration_ms>'"),
            ("service:", 8, "expected a value after 'service:'"),
            ("OR x", 0, "expected a term before AND/OR"),
        ])
    func search_badQuery_400(query: String, position: Int, reason: String) async throws {
        try await withApp { client in
            let problem = try expectProblem(try await client.get("/api/v1/logs?q=\(encoded(query))"), .badRequest)
            let error = try #require((problem["errors"] as? [[String: Any]])?.first)
            #expect(error["parameter"] as? String == "q")
            #expect(error["position"] as? Int == position)
            #expect(error["reason"] as? String == reason)
        }
    }

    @Test(
        "bad limits and times are 400s",
        arguments: [
            "limit=0", "limit=1001", "limit=ten", "start=soon", "end=now-5x",
            "start=now&end=now-1h",
        ])
    func search_badParameters_400(query: String) async throws {
        try await withApp { client in
            _ = try expectProblem(try await client.get("/api/v1/logs?\(query)"), .badRequest)
        }
    }

    @Test("an unknown id and an unknown correlation are 404s")
    func lookups_unknown_404() async throws {
        try await withApp { client in
            _ = try expectProblem(try await client.get("/api/v1/logs/0190a000-0000-7000-8000-000000000000"), .notFound)
            _ = try expectProblem(try await client.get("/api/v1/logs/not-an-id"), .notFound)
            _ = try expectProblem(try await client.get("/api/v1/correlations/nobody"), .notFound)
        }
    }

    @Test("an unknown route is a 404 problem")
    func unknownRoute_404() async throws {
        try await withApp { client in
            _ = try expectProblem(try await client.get("/api/v1/nothing"), .notFound)
        }
    }

    @Test("a full ingest queue answers 503 with Retry-After")
    func ingest_queueFull_503() async throws {
        try await withApp(configure: { $0.maxQueuedRecords = 1 }) { client in
            let response = try await client.ingest(#"[{"message": "a"}, {"message": "b"}]"#)
            _ = try expectProblem(response, .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "1")
        }
    }
}

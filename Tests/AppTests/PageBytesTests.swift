import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// Pages and stories are bounded in bytes; cursors continue past the cut.
@Suite("Page bytes")
struct PageBytesTests {
    @Test(
        "a page of large records stops at LOGSMITH_MAX_PAGE_BYTES and its cursors return every record once",
        arguments: StoreKind.allCases)
    func largeRecords_pagedByBytes(kind: StoreKind) async throws {
        try await withApp(kind, configure: { $0.maxPageBytes = 100_000 }) { client in
            let run = "big\(UUID().uuidString.prefix(8).lowercased())"
            let filler = String(repeating: "y", count: 20_000)
            let lines = (0..<30).map { index in
                let time = String(format: "2026-05-01T00:00:%02dZ", index)
                return #"{"message":"/\#(run)/\#(index) \#(filler)","timestamp":"\#(time)","correlation_id":"\#(run)"}"#
            }
            let ingested = try await client.ingest(lines.joined(separator: "\n"), contentType: "application/x-ndjson")
            #expect(ingested.status == .ok)

            var seen: [String] = []
            let search = "/api/v1/logs?q=\(run)&start=2026-05-01T00:00:00Z&end=2026-05-02T00:00:00Z&limit=1000"
            var path = search
            var pages = 0
            while pages < 40 {
                let response = try await client.get(path)
                #expect(response.body.readableBytes < 100_000 + 4096)
                #expect(!String(buffer: response.body).contains(#"\/"#))
                let page = try response.json()
                let logs = try #require(page["logs"] as? [[String: Any]])
                #expect(logs.count <= 4)
                seen += logs.compactMap { ($0["message"] as? String)?.split(separator: " ").first.map(String.init) }
                pages += 1
                guard let cursor = page["next_cursor"] as? String else { break }
                path = search + "&cursor=\(cursor)"
            }
            #expect(seen.count == 30)
            #expect(Set(seen) == Set((0..<30).map { "/\(run)/\($0)" }))
            #expect(pages >= 8)

            let story = try await client.get("/api/v1/correlations/\(run)").json()
            #expect(story["count"] as? Int == 4)
            #expect(story["truncated"] as? Bool == true)
        }
    }
}

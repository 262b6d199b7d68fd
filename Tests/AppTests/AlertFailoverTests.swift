import Foundation
import HTTPTypes
import LogModel
import TestSupport
import Testing

/// Alert evaluation across two real processes on one PostgreSQL database.
@Suite("Alert evaluation across replicas", .serialized)
struct AlertFailoverTests {
    @Test(
        "one replica evaluates; SIGKILL hands evaluation to the other within two intervals; each transition is delivered once"
    )
    func leaderKilled_otherTakesOver() async throws {
        let receiver = WebhookReceiver(failures: 0)
        try await receiver.serve { base in
            try await withTwoReplicas { replicas in
                let rule = #"""
                    {"name": "errors", "q": "level:>=error", "window": "1m", "interval": "1s", "group_by": "service",
                     "condition": {"type": "count", "comparison": ">", "threshold": 0},
                     "targets": [{"type": "webhook", "url": "\#(base)/hook"}]}
                    """#
                #expect(try await replicas[0].post(rule, to: "/api/v1/alerts/rules") == 201)
                // Dated 50 s ago: firing now, resolved about 10 s later.
                let stamp = Timestamp.now().adding(microseconds: -50_000_000).rfc3339
                let first =
                    #"{"message": "declined", "service": "pay", "level": "error", "timestamp": "\#(stamp)"}"#
                #expect(try await replicas[1].post(first, to: "/api/v1/logs") == 200)
                try await waitFor("the firing was not delivered", within: .seconds(10)) {
                    receiver.requests.contains { $0.body.contains(#""state":"firing""#) }
                }
                let leader = try #require(replicas.firstIndex { $0.logged("alert transition") })
                replicas[leader].kill()
                let survivor = replicas[1 - leader]
                let second = #"{"message": "timeout", "service": "search", "level": "error"}"#
                #expect(try await survivor.post(second, to: "/api/v1/logs") == 200)
                // Two intervals, plus the time to evaluate and deliver.
                try await waitFor("the survivor did not take over within two intervals", within: .seconds(4)) {
                    receiver.requests.contains { $0.body.contains(#""value":"search""#) }
                }
                try await waitFor("the resolution was not delivered", within: .seconds(20)) {
                    receiver.requests.contains { $0.body.contains(#""state":"resolved""#) }
                }
                let deliveries = receiver.requests.map { $0.headers[HTTPField.Name("Logsmith-Delivery")!] ?? "" }
                #expect(deliveries.count == 3 && Set(deliveries).count == 3, "\(deliveries)")
                #expect(survivor.logged("alert transition"))
            }
        }
    }
}

import Alerting
import Foundation
import HTTPTypes
import HummingbirdTesting
import LogModel
import NIOCore
import Testing

@testable import App

/// The alerts API over HTTP: rules and their validation, and, with the evaluator running, firing,
/// resolution, acknowledgement, history and signed webhook deliveries with retries.
@Suite("Alert rules and alerts over HTTP")
struct AlertRoutesTests {
    private static func ruleJSON(
        name: String = "checkout errors", q: String = "service:checkout level:>=error", window: String = "1m",
        interval: String = "1s", condition: String = #"{"type": "count", "comparison": ">", "threshold": 0}"#,
        severity: String = "page", targets: String = "[]", extra: String = ""
    ) -> String {
        #"{"name": "\#(name)", "q": "\#(q)", "window": "\#(window)", "interval": "\#(interval)", "condition": \#(condition), "severity": "\#(severity)", "targets": \#(targets)\#(extra)}"#
    }

    @Test("rules are created (the secret shown once), read, replaced and deleted; changes are audited")
    func rules_crud() async throws {
        let log = CapturedLog()
        try await withAuthApp(log: log) { client, admin, _ in
            let created = try await client.send(
                .post, "/api/v1/alerts/rules", as: admin,
                json: Self.ruleJSON(extra: #", "group_by": "service", "labels": {"team": "shop"}, "for": "2m""#))
            #expect(created.status == .created)
            let body = try created.json()
            let secret = try #require(body["webhook_secret"] as? String)
            #expect(secret.count >= 40)
            let rule = try #require(body["rule"] as? [String: Any])
            let id = try #require(rule["id"] as? String)
            #expect(
                rule["window"] as? String == "1m" && rule["for"] as? String == "2m"
                    && rule["group_by"] as? String == "service")

            let reader = try await client.createKey(as: admin, scopes: ["read"]).key
            let listed = try await client.send(.get, "/api/v1/alerts/rules", as: reader)
            #expect(listed.status == .ok)
            #expect(!String(buffer: listed.body).contains(secret))
            #expect((try listed.json()["rules"] as? [[String: Any]])?.count == 1)
            #expect(
                try await client.send(.post, "/api/v1/alerts/rules", as: reader, json: Self.ruleJSON()).status
                    == .forbidden)

            let replaced = try await client.send(
                .put, "/api/v1/alerts/rules/\(id)", as: admin,
                json: Self.ruleJSON(
                    name: "renamed",
                    condition: #"{"type": "ratio", "of": "service:checkout", "comparison": ">=", "threshold": 0.1}"#))
            #expect(replaced.status == .ok)
            let fetched = try await client.send(.get, "/api/v1/alerts/rules/\(id)", as: reader).json()
            #expect(fetched["name"] as? String == "renamed")
            #expect((fetched["condition"] as? [String: Any])?["of"] as? String == "service:checkout")
            #expect(fetched["created_at"] as? String == rule["created_at"] as? String)

            #expect(try await client.send(.delete, "/api/v1/alerts/rules/\(id)", as: admin).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/alerts/rules/\(id)", as: reader).status == .notFound)
            #expect(try await client.send(.delete, "/api/v1/alerts/rules/\(id)", as: admin).status == .notFound)
        }
        let audits = log.all.filter { $0.contains("alert_rule.") }
        #expect(audits.count == 3)
        #expect(!log.all.contains { $0.contains("webhook_secret") })
    }

    @Test("a tenant past LOGSMITH_ALERT_RULES_PER_TENANT gets a 409 problem; deleting one makes room")
    func rules_perTenantCap() async throws {
        try await withAuthApp(configure: { $0.alertRulesPerTenant = 2 }) { client, admin, _ in
            var ids: [String] = []
            for name in ["first", "second"] {
                let created = try await client.send(
                    .post, "/api/v1/alerts/rules", as: admin, json: Self.ruleJSON(name: name))
                #expect(created.status == .created)
                ids.append(try #require((try created.json()["rule"] as? [String: Any])?["id"] as? String))
            }
            let refused = try await client.send(.post, "/api/v1/alerts/rules", as: admin, json: Self.ruleJSON())
            #expect(refused.status == .conflict)
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect((try refused.json()["type"] as? String)?.hasSuffix("too-many-rules") == true)
            #expect(try await client.send(.delete, "/api/v1/alerts/rules/\(ids[0])", as: admin).status == .noContent)
            #expect(
                try await client.send(.post, "/api/v1/alerts/rules", as: admin, json: Self.ruleJSON()).status
                    == .created)
        }
    }

    @Test("a rule that cannot work is refused with a problem naming the field")
    func rules_validation() async throws {
        try await withAuthApp { client, admin, _ in
            let cases: [(String, String)] = [
                (Self.ruleJSON(q: "(level:error"), "/q"),
                (Self.ruleJSON(window: "30s"), "/window"),
                (Self.ruleJSON(window: "2d"), "/window"),
                (Self.ruleJSON(interval: "2h"), "/interval"),
                (Self.ruleJSON(name: ""), "/name"),
                (
                    Self.ruleJSON(condition: #"{"type": "median", "comparison": ">", "threshold": 1}"#),
                    "/condition/type"
                ),
                (
                    Self.ruleJSON(condition: #"{"type": "count", "comparison": "==", "threshold": 1}"#),
                    "/condition/comparison"
                ),
                (Self.ruleJSON(condition: #"{"type": "ratio", "comparison": ">", "threshold": 1}"#), "/condition/of"),
                (
                    Self.ruleJSON(condition: #"{"type": "ratio", "of": "(", "comparison": ">", "threshold": 1}"#),
                    "/condition/of"
                ),
                (
                    Self.ruleJSON(
                        condition: #"{"type": "change", "baseline": "1h", "comparison": ">", "threshold": 1}"#),
                    "/condition/baseline"
                ),
                (
                    Self.ruleJSON(targets: #"[{"type": "webhook", "url": "http://169.254.169.254/latest"}]"#),
                    "/targets/0/url"
                ),
                (Self.ruleJSON(targets: #"[{"type": "pager", "url": "https://example.com"}]"#), "/targets/0/type"),
                (Self.ruleJSON(targets: #"[{"type": "webhook", "url": "ftp://example.com"}]"#), "/targets/0/url"),
                (Self.ruleJSON(extra: #", "group_by": "message""#), "/group_by"),
                (Self.ruleJSON(severity: "urgent"), "/severity"),
                (Self.ruleJSON(extra: #", "labels": {"bad-name": "x"}"#), "/labels"),
            ]
            for (json, pointer) in cases {
                let response = try await client.send(.post, "/api/v1/alerts/rules", as: admin, json: json)
                #expect(response.status == .badRequest, "\(pointer)")
                #expect(response.headers[.contentType] == "application/problem+json")
                let errors = try response.json()["errors"] as? [[String: Any]]
                #expect(errors?.first?["pointer"] as? String == pointer, "\(json)")
            }
            let syntax = try await client.send(
                .post, "/api/v1/alerts/rules", as: admin, json: Self.ruleJSON(q: "level:error )"))
            #expect((try syntax.json()["errors"] as? [[String: Any]])?.first?["position"] as? Int == 12)
            #expect(try await client.send(.get, "/api/v1/alerts/history?limit=0", as: admin).status == .badRequest)
            #expect(try await client.send(.get, "/api/v1/alerts?state=burning", as: admin).status == .badRequest)
            #expect(try await client.send(.get, "/api/v1/alerts/history?cursor=x", as: admin).status == .badRequest)
        }
    }

    @Test(
        "an alert fires and resolves; its webhook gets each transition once, signed, after retries past two 503s")
    func webhook_firingResolvedRetried() async throws {
        let receiver = WebhookReceiver(failures: 2)
        try await receiver.serve { base in
            try await withAuthApp(testing: .live) { client, admin, _ in
                let created = try await client.send(
                    .post, "/api/v1/alerts/rules", as: admin,
                    json: Self.ruleJSON(targets: #"[{"type": "webhook", "url": "\#(base)/hook"}]"#))
                let secret = try #require(try created.json()["webhook_secret"] as? String)
                // Dated 40 s ago: in the 1-minute window for about 20 s, then out of it.
                let stamp = Timestamp.now().adding(microseconds: -40_000_000).rfc3339
                let ingest = try await client.send(
                    .post, "/api/v1/logs", as: admin,
                    json:
                        #"{"message": "payment declined", "service": "checkout", "level": "error", "timestamp": "\#(stamp)"}"#
                )
                #expect(ingest.status == .ok)
                let delivery = HTTPField.Name("Logsmith-Delivery")!
                try await waitFor("the firing and the resolution were not both delivered", within: .seconds(60)) {
                    Set(receiver.requests.filter { $0.answered == 200 }.compactMap { $0.headers[delivery] }).count == 2
                }
                let requests = receiver.requests
                for request in requests {
                    let signature = try #require(request.headers[HTTPField.Name("Logsmith-Signature")!])
                    #expect(WebhookSignature.verifies(signature, body: request.body, secret: secret))
                }
                let byDelivery = Dictionary(grouping: requests) { $0.headers[delivery] ?? "" }
                #expect(byDelivery.count == 2)
                #expect(byDelivery.values.allSatisfy { $0.filter { $0.answered == 200 }.count == 1 })
                let firing = try #require(byDelivery.values.first { $0[0].body.contains(#""state":"firing""#) })
                #expect(firing.map(\.answered) == [503, 503, 200])
                #expect(
                    byDelivery.values.first { $0[0].body.contains(#""state":"resolved""#) }?.map(\.answered) == [200])

                let history = try await client.send(.get, "/api/v1/alerts/history", as: admin).json()
                let moves = (history["transitions"] as? [[String: Any]])?.compactMap { $0["to"] as? String }
                #expect(moves == ["resolved", "firing"])
                var log: [[String: Any]] = []
                try await waitFor("the delivery log does not show both delivered", within: .seconds(5)) {
                    log =
                        try await client.send(.get, "/api/v1/alerts/deliveries", as: admin).json()["deliveries"]
                        as? [[String: Any]] ?? []
                    return log.map { $0["status"] as? String } == ["delivered", "delivered"]
                }
                let attempts = (log.last?["attempts"] as? [[String: Any]])?.compactMap { $0["status_code"] as? Int }
                #expect(attempts == [503, 503, 200])
            }
        }
    }

    @Test("acknowledging keeps a firing alert firing with who and why; resolving by hand closes it; others get 409")
    func ack_andResolve() async throws {
        try await withAuthApp(testing: .live) { client, admin, _ in
            for (name, threshold) in [("fires", 0), ("never", 1000)] {
                let json = Self.ruleJSON(
                    name: name, q: "ack-test",
                    condition: #"{"type": "count", "comparison": ">", "threshold": \#(threshold)}"#)
                #expect(try await client.send(.post, "/api/v1/alerts/rules", as: admin, json: json).status == .created)
            }
            _ = try await client.send(.post, "/api/v1/logs", as: admin, json: #"{"message": "ack-test one"}"#)
            var alerts: [[String: Any]] = []
            try await waitFor("the alert did not fire", within: .seconds(10)) {
                alerts =
                    try await client.send(.get, "/api/v1/alerts", as: admin).json()["alerts"] as? [[String: Any]] ?? []
                return alerts.contains { $0["state"] as? String == "firing" } && alerts.count == 2
            }
            let firing = try #require(alerts.first { $0["state"] as? String == "firing" }?["id"] as? String)
            let quiet = try #require(alerts.first { $0["state"] as? String == "inactive" }?["id"] as? String)
            #expect((alerts.first?["links"] as? [String: String])?["search"]?.contains("/api/v1/logs?q=") == true)

            let acked = try await client.send(
                .post, "/api/v1/alerts/\(firing)/ack", as: admin, json: #"{"comment": "looking"}"#)
            #expect(acked.status == .ok)
            let acknowledgement = try acked.json()["acknowledgement"] as? [String: Any]
            #expect(
                acknowledgement?["comment"] as? String == "looking"
                    && (acknowledgement?["by"] as? String)?.isEmpty == false)
            let refused = try await client.send(.post, "/api/v1/alerts/\(quiet)/ack", as: admin)
            #expect(refused.status == .conflict, "\(String(buffer: refused.body))")
            #expect(try await client.send(.post, "/api/v1/alerts/\(quiet)/resolve", as: admin).status == .conflict)
            #expect(try await client.send(.post, "/api/v1/alerts/nope/ack", as: admin).status == .notFound)
            let long = String(repeating: "x", count: 1001)
            let tooLong = try await client.send(
                .post, "/api/v1/alerts/\(firing)/ack", as: admin, json: #"{"comment": "\#(long)"}"#)
            #expect(tooLong.status == .badRequest)
            #expect((try tooLong.json()["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/comment")
            let reader = try await client.createKey(as: admin, scopes: ["read"]).key
            #expect(try await client.send(.post, "/api/v1/alerts/\(firing)/resolve", as: reader).status == .forbidden)

            let resolved = try await client.send(
                .post, "/api/v1/alerts/\(firing)/resolve", as: admin, json: #"{"comment": "fixed"}"#)
            #expect(resolved.status == .ok)
            #expect(try resolved.json()["state"] as? String == "resolved")
            let history = try await client.send(.get, "/api/v1/alerts/history?state=resolved", as: admin).json()
            let entry = (history["transitions"] as? [[String: Any]])?.first
            #expect(entry?["comment"] as? String == "fixed" && entry?["from"] as? String == "firing")
            let paged = try await client.send(.get, "/api/v1/alerts/history?limit=1", as: admin).json()
            let cursor = try #require(paged["next_cursor"] as? String)
            let next = try await client.send(.get, "/api/v1/alerts/history?limit=1&cursor=\(cursor)", as: admin).json()
            #expect((next["transitions"] as? [[String: Any]])?.count == 1)
        }
    }
}

import Alerting
import Foundation
import LogModel
import Stores
import Testing

/// The bodies notifications carry, and the links in them.
@Suite("Alert payloads")
struct AlertPayloadsTests {
    private static let at = Timestamp(rfc3339: "2026-12-01T10:05:00Z")!
    private static let rule = AlertRule(
        id: "r1", tenant: "shop", name: "Payment errors", query: "level:>=error", windowSeconds: 300,
        intervalSeconds: 60, forSeconds: 0, condition: .ratio(of: "*", .greater, threshold: 0.05), severity: .page,
        groupBy: "service", labels: ["team": "payments"], annotations: ["summary": "errors up"],
        targets: [AlertTarget(kind: .webhook, url: "http://127.0.0.1:9/h")], enabled: true, createdAt: at, updatedAt: at
    )

    private static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("links narrow the rule's query to the group and cover its window")
    func links() {
        let links = AlertLinks(baseURL: "https://logs.example.com/", rule: Self.rule, group: #"pay "x""#, end: Self.at)
        #expect(AlertLinks.query(Self.rule, group: #"pay "x""#) == #"(level:>=error) service:"pay \"x\"""#)
        #expect(AlertLinks.query(Self.rule, group: nil) == "(level:>=error) -service:*")
        #expect(
            links.search.hasPrefix(
                "https://logs.example.com/api/v1/logs?q=%28level%3A%3E%3Derror%29%20service%3A%22pay%20%5C%22x%5C%22%22"
            ))
        #expect(links.search.hasSuffix("&start=2026-12-01T10%3A00%3A00.000000Z&end=2026-12-01T10%3A05%3A00.000000Z"))
        #expect(links.histogram.hasSuffix("&by=level"))
        #expect(links.explorer.hasPrefix("https://logs.example.com/#tab=search&q="))
    }

    @Test("the webhook body names the rule, the move, the group, the value against the condition, and links")
    func webhookBody() throws {
        let transition = AlertTransition(
            id: "i/2", tenant: "shop", ruleID: "r1", ruleName: "Payment errors", instanceID: "i", group: "api",
            from: .pending, to: .firing, value: 0.25, at: Self.at, actor: "evaluator")
        let links = AlertLinks(baseURL: "http://x", rule: Self.rule, group: "api", end: Self.at)
        let body = try Self.object(
            try AlertPayloads.webhook(rule: Self.rule, transition: transition, deliveryID: "i/2#0", links: links))
        #expect(body["state"] as? String == "firing" && body["previous_state"] as? String == "pending")
        #expect(body["delivery_id"] as? String == "i/2#0" && body["value"] as? Double == 0.25)
        #expect((body["group"] as? [String: String]) == ["field": "service", "value": "api"])
        #expect((body["condition"] as? [String: Any])?["type"] as? String == "ratio")
        #expect((body["rule"] as? [String: Any])?["labels"] as? [String: String] == ["team": "payments"])
        #expect((body["links"] as? [String: String])?["search"] == links.search)
    }

    @Test("Alertmanager's alert carries alertname, severity, tenant, the rule's labels and the group value")
    func alertmanagerBody() throws {
        let links = AlertLinks(baseURL: "http://x", rule: Self.rule, group: "api", end: Self.at)
        let text = try AlertPayloads.alertmanager(
            rule: Self.rule, group: "api", startsAt: Self.at, endsAt: Self.at.adding(microseconds: 300_000_000),
            links: links)
        let alerts = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        let labels = try #require(alerts.first?["labels"] as? [String: String])
        #expect(labels["alertname"] == "Payment errors" && labels["severity"] == "page" && labels["tenant"] == "shop")
        #expect(labels["team"] == "payments" && labels["service"] == "api" && labels["logsmith_rule_id"] == "r1")
        #expect(alerts.first?["startsAt"] as? String == "2026-12-01T10:05:00.000000Z")
        #expect(alerts.first?["endsAt"] as? String == "2026-12-01T10:10:00.000000Z")
        #expect(alerts.first?["generatorURL"] as? String == links.explorer)
    }
}

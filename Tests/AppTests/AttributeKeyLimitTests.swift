import Foundation
import HTTPTypes
import HummingbirdTesting
import LogModel
import NIOCore
import TestSupport
import Testing

@testable import App

/// The budget of distinct attribute keys per tenant and UTC day (`LOGSMITH_MAX_ATTRIBUTE_KEYS`).
///
/// Each test dates its records on a day of its own, decades back, so the budget it fills is not
/// shared with other tests of the same tenant on the shared PostgreSQL.
@Suite("Attribute key limit")
struct AttributeKeyLimitTests {
    @Test(
        "records that bring keys past the day's budget are rejected one by one; known keys stay welcome",
        arguments: StoreKind.allCases)
    func ingest_keysPastBudget_rejectedPerItem(kind: StoreKind) async throws {
        let day = Self.uniqueDay()
        try await Self.withOwnApp(kind, maxKeys: 8) { client in
            let first = try await client.ingest(
                Self.records(
                    on: day,
                    [
                        #"{"a": 1, "b": 2}"#, #"{"c": {"d": 1}}"#, #"{"e": 1, "f": 1, "g": 1, "h": 1, "i": 1}"#,
                        #"{"a": 3, "e": 4}"#, #"{"x1": 1, "x2": 1, "x3": 1, "x4": 1}"#, #"{"b": "known"}"#,
                    ])
            ).json()
            #expect(first["accepted"] as? Int == 4)
            let rejected = try #require(first["rejected"] as? [[String: Any]])
            #expect(rejected.map { $0["index"] as? Int } == [2, 4])
            #expect(rejected.allSatisfy { $0["code"] as? String == "too_many_attribute_keys" })
            let reason = rejected.first?["reason"] as? String ?? ""
            #expect(reason.contains("limit of 8 distinct keys a day"), "\(reason)")

            let second = try await client.ingest(
                Self.records(
                    on: day,
                    [
                        #"{"a": 9}"#, #"{"n1": 1, "n2": 1, "n3": [{"n4": 1}]}"#, #"{"late": 1}"#,
                        #"{"m1": 1, "m2": 1, "m3": 1}"#,
                    ])
            ).json()
            #expect(
                second["accepted"] as? Int == 2,
                "a record of four new keys does not fit the three left; one of one does")
            #expect((second["rejected"] as? [[String: Any]])?.map { $0["index"] as? Int } == [1, 3])

            let otherDay = try await client.ingest(Self.records(on: day + 1, [#"{"m1": 1, "m2": 1, "m3": 1}"#])).json()
            #expect(otherDay["accepted"] as? Int == 1, "each day has a budget of its own")

            let stored = try await client.get(
                "/api/v1/logs?q=\(Self.marker(day))&start=\(encoded(Self.start(of: day)))&end=\(encoded(Self.start(of: day + 1)))&limit=100"
            ).json()
            let records = try #require(stored["logs"] as? [[String: Any]])
            #expect(records.count == 6)
            let keys = records.reduce(into: Set<String>()) { keys, record in
                for (key, value) in record["attributes"] as? [String: Any] ?? [:] {
                    keys.insert(key)
                    for nested in (value as? [String: Any] ?? [:]).keys { keys.insert(key + "." + nested) }
                }
            }
            #expect(keys == ["a", "b", "c", "c.d", "e", "late"])
        }
    }

    @Test("uploaded lines with keys past the budget are listed as rejections", arguments: StoreKind.allCases)
    func upload_keysPastBudget_listedAsRejections(kind: StoreKind) async throws {
        let day = Self.uniqueDay()
        let time = Self.start(of: day)
        try await Self.withOwnApp(kind, maxKeys: 3) { client in
            let lines = [
                #"{"timestamp": "\#(time)", "message": "\#(Self.marker(day))", "k1": 1, "k2": 1}"#,
                #"{"timestamp": "\#(time)", "message": "\#(Self.marker(day))", "k3": 1, "k4": 1}"#,
                #"{"timestamp": "\#(time)", "message": "\#(Self.marker(day))", "k1": 2}"#,
            ]
            let response = try await client.execute(
                uri: "/api/v1/upload?format=json", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: lines.joined(separator: "\n") + "\n"))
            #expect(response.status == .ok)
            let summary = try response.json()
            #expect(summary["accepted"] as? Int == 2)
            let rejections = try #require(summary["rejections"] as? [[String: Any]])
            #expect(rejections.map { $0["line"] as? Int } == [2])
            #expect(rejections.map { $0["code"] as? String } == ["too_many_attribute_keys"])
        }
    }

    /// The app with a budget of `maxKeys` keys a day; on PostgreSQL in a database of its own, because
    /// a retention run of another test on the shared database deletes every tenant's attribute keys
    /// of the days before its cutoff, these tests' days among them (seen in CI: a budget emptied
    /// between two requests).
    static func withOwnApp(
        _ kind: StoreKind, maxKeys: Int, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        guard kind == .postgres else {
            return try await withApp(kind, configure: { $0.maxAttributeKeysPerDay = maxKeys }, body)
        }
        try await withFreshPostgresDatabase(on: try testDatabaseURL()) { url in
            try await withApp(
                kind,
                configure: {
                    $0.databaseURL = url
                    $0.maxAttributeKeysPerDay = maxKeys
                }, body)
        }
    }

    /// A UTC day between about 30 and 90 years ago, drawn at random.
    static func uniqueDay() -> Int { Timestamp.now().utcDay - Int.random(in: 11_000...33_000) }

    static func start(of day: Int) -> String {
        Timestamp(microseconds: Int64(day) * 86_400_000_000).rfc3339
    }

    static func marker(_ day: Int) -> String { "keybudget\(day)" }

    /// A JSON array of records at noon of `day`, one per attributes object.
    static func records(on day: Int, _ attributes: [String]) -> String {
        let time = Timestamp(microseconds: Int64(day) * 86_400_000_000 + 43_200_000_000).rfc3339
        return "["
            + attributes.map {
                #"{"timestamp": "\#(time)", "message": "\#(marker(day))", "attributes": \#($0)}"#
            }.joined(separator: ",") + "]"
    }
}

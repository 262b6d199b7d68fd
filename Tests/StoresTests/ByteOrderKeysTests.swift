import Foundation
import LogModel
import LogQuery
import Logging
import Testing

@testable import Stores

/// Migration 17 (``ByteOrderKeys``): a database of the previous release keeps every record, its keys
/// and message entries are compared as bytes, and its searches find what they found before.
@Suite("Byte-order keys")
struct ByteOrderKeysTests {
    @Test("migration 17 compares the keys as bytes and keeps every record findable")
    func migration17_keepsEveryRecordAndComparesKeysAsBytes() async throws {
        let tenant = uniqueTenant()
        let services = ["api", "Billing", "édition"]
        let records = (0..<120).map { index in
            makeRecord(
                "Request \(index) from 10.1.\(index % 5).9 took \(index) ms", tenant: tenant, second: Int64(index * 60),
                level: index % 4 == 0 ? .error : .info, service: services[index % services.count])
        }
        try await withPreviousReleaseDatabase(migratedTo: 16, records: records) { url in
            let store = PostgresLogStore(
                configuration: try .init(url: url), logger: Logger(label: "test"), indexedSearch: contractIndexedSearch)
            try await running(store) {
                let collations = try await store.execute(
                    """
                    SELECT DISTINCT c.relname::text, a.attname::text, l.collname::text
                    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_collation l ON l.oid = a.attcollation
                    WHERE c.relname LIKE 'logs%' AND c.relkind IN ('r', 'p') OR c.relname = 'log_words'
                    """, [])
                #expect(collations.count > 2 * ByteOrderKeys.logColumns.count)
                for row in collations {
                    let (table, column, collation) = (row[0]?.text ?? "", row[1]?.text ?? "", row[2]?.text ?? "")
                    let keyColumns = table == "log_words" ? ByteOrderKeys.dictionaryColumns : ByteOrderKeys.logColumns
                    #expect(collation == (keyColumns.contains(column) ? "C" : "default"), "\(table).\(column)")
                }

                let all = try await store.search(SearchRequest(tenant: tenant, limit: 1_000))
                #expect(Set(all.records.map(\.id)) == Set(records.map(\.id)))
                for (query, matches) in [
                    ("service:Billing", { (record: LogRecord) in record.service == "Billing" }),
                    ("service:édition level:error", { $0.service == "édition" && $0.level == .error }),
                    ("\"from 10.1.3\"", { $0.message.contains("from 10.1.3") }),
                    ("REQUEST", { _ in true }),
                ] {
                    let page = try await store.search(
                        SearchRequest(tenant: tenant, query: try QueryParser.parse(query), limit: 1_000))
                    let expected = Set(records.filter(matches).map(\.id))
                    #expect(!expected.isEmpty, "\(query)")
                    #expect(Set(page.records.map(\.id)) == expected, "\(query)")
                }
            }
        }
    }
}

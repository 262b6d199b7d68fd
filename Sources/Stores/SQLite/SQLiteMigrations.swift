/// The SQLite schema, as numbered migrations tracked in `PRAGMA user_version`.
///
/// `seq` is the rowid that the FTS5 trigram index refers to; `ts` and `observed_at` are epoch
/// microseconds; `attributes` is JSON text. Migration 5 adds the promoted access-log columns
/// (``PromotedColumnsSchema``), migration 6 the registry of attribute keys (``SQLAttributeKeys``),
/// migration 7 makes usernames unique per tenant in any case, migration 8 adds log patterns
/// (``PatternSchema``), migration 9 alerting (``AlertSchema``).
enum SQLiteMigrations {
    static let all: [(version: Int, statements: [String])] = [
        (
            1,
            [
                """
                CREATE TABLE logs (
                    seq INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    tenant TEXT NOT NULL,
                    ts INTEGER NOT NULL,
                    observed_at INTEGER NOT NULL,
                    level TEXT NOT NULL,
                    severity_number INTEGER NOT NULL,
                    service TEXT,
                    host TEXT,
                    environment TEXT,
                    message TEXT NOT NULL,
                    trace_id TEXT,
                    span_id TEXT,
                    correlation_id TEXT,
                    attributes TEXT NOT NULL DEFAULT '{}'
                )
                """,
                "CREATE INDEX logs_tenant_ts ON logs (tenant, ts DESC, id DESC)",
                "CREATE INDEX logs_tenant_service_level ON logs (tenant, service, level, ts DESC)",
                "CREATE INDEX logs_correlation ON logs (tenant, correlation_id) WHERE correlation_id IS NOT NULL",
                "CREATE INDEX logs_trace ON logs (tenant, trace_id) WHERE trace_id IS NOT NULL",
                """
                CREATE VIRTUAL TABLE logs_fts USING fts5(
                    message, content='logs', content_rowid='seq', tokenize='trigram')
                """,
                """
                CREATE TRIGGER logs_fts_insert AFTER INSERT ON logs BEGIN
                    INSERT INTO logs_fts (rowid, message) VALUES (new.seq, new.message);
                END
                """,
                """
                CREATE TRIGGER logs_fts_delete AFTER DELETE ON logs BEGIN
                    INSERT INTO logs_fts (logs_fts, rowid, message) VALUES ('delete', old.seq, old.message);
                END
                """,
            ]
        ),
        (2, CredentialSchema.statements(bigint: "INTEGER")),
        (3, CredentialSchema.initialKeyStatements(boolean: "INTEGER")),
        (4, CredentialSchema.retentionStatements),
        (5, PromotedColumnsSchema.sqlite),
        (6, SQLAttributeKeys<SQLiteDialect>.schema),
        (7, CredentialSchema.tenantUsernameStatements(postgres: false)),
        (8, PatternSchema.sqlite),
        (9, AlertSchema.statements(integer: "INTEGER", sequenceKey: "INTEGER PRIMARY KEY AUTOINCREMENT")),
    ]
}

/// The PostgreSQL schema, as numbered migrations applied in order.
///
/// The log table is range-partitioned on `ts` by UTC day; partitions are created by the store ahead
/// of the data (see ``PostgresPartitions``; databases created before then keep their monthly ones).
/// Indexes on the parent propagate to every partition:
/// - `(tenant, ts DESC, id DESC)`: newest-first pages and time ranges per tenant;
/// - `(tenant, service, level, ts DESC)`: service and level filters;
/// - pg_trgm GIN on `message`: words, phrases and substrings (IDs, IPs, paths) with ILIKE
///   (migration 5 replaces it with the same index over ``MessageTrigrams/function``, migration 15
///   with the word index of ``MessageWords``);
/// - `(tenant, correlation_id)` and `(tenant, trace_id)`: correlation stories;
/// - GIN on `attributes`: containment and key-presence queries;
/// - `(id)`: get by ID.
///
/// Migration 2 adds tenants, API keys and users (``CredentialSchema``). Migration 4 adds
/// `log_counts`, records per tenant, minute, service and level, kept exact by statement triggers on
/// every insert and delete, so counts over long ranges read minutes instead of rows
/// (``PostgresLogCounts``). Migration 5 indexes the message's trigrams across spaces and
/// punctuation (``MessageTrigrams``); migration 6 computes the same mapping faster. Migration 7 gives
/// each tenant an optional retention. Migration 8 adds the promoted access-log columns
/// (``PromotedColumnsSchema``); migration 9 the registry of attribute keys (``SQLAttributeKeys``);
/// migration 10 makes usernames unique per tenant in any case. Migration 11 adds `endpoint_latency`,
/// access-log requests per tenant, hour, method, route and latency bucket, kept exact by statement
/// triggers like `log_counts` (``PostgresEndpointRollups``). Migration 12 adds log patterns
/// (``PatternSchema``), migration 13 alerting (``AlertSchema``), migration 14 `pattern_counts`, records
/// per tenant, ten minutes, pattern, service and level, kept like `log_counts`
/// (``PostgresPatternCounts``). Migration 15 replaces the trigram index with an index of the message's
/// words and a dictionary of the words seen (``MessageWords``). Migration 16 adds `log_counts_hourly`,
/// the same counts per hour, kept from the changes of `log_counts` (``PostgresLogCounts``). Migration
/// 17 has the indexes compare the log table's keys and the message's entries as bytes
/// (``ByteOrderKeys``). Migration 18 replaces the body of the word index's function with one that
/// autovacuum can analyse the log partitions with and that gives the same entries faster
/// (``MessageWords/functionReplacement``).
enum PostgresMigrations {
    static let all: [(version: Int, statements: [String])] = [
        (
            1,
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                """
                CREATE TABLE logs (
                    id uuid NOT NULL,
                    tenant text NOT NULL,
                    ts timestamptz NOT NULL,
                    observed_at timestamptz NOT NULL,
                    level text NOT NULL,
                    severity_number smallint NOT NULL,
                    service text,
                    host text,
                    environment text,
                    message text NOT NULL,
                    trace_id text,
                    span_id text,
                    correlation_id text,
                    attributes jsonb NOT NULL DEFAULT '{}',
                    PRIMARY KEY (id, ts)
                ) PARTITION BY RANGE (ts)
                """,
                "CREATE INDEX logs_tenant_ts ON logs (tenant, ts DESC, id DESC)",
                "CREATE INDEX logs_tenant_service_level ON logs (tenant, service, level, ts DESC)",
                "CREATE INDEX logs_message_trgm ON logs USING gin (message gin_trgm_ops)",
                "CREATE INDEX logs_correlation ON logs (tenant, correlation_id) WHERE correlation_id IS NOT NULL",
                "CREATE INDEX logs_trace ON logs (tenant, trace_id) WHERE trace_id IS NOT NULL",
                "CREATE INDEX logs_attributes ON logs USING gin (attributes)",
            ]
        ),
        (2, CredentialSchema.statements(bigint: "bigint")),
        (3, CredentialSchema.initialKeyStatements(boolean: "boolean")),
        (4, PostgresLogCounts.schema),
        (5, MessageTrigrams.schema),
        (6, MessageTrigrams.replaceChain),
        (7, CredentialSchema.retentionStatements),
        (8, PromotedColumnsSchema.postgres),
        (9, SQLAttributeKeys<PostgresDialect>.schema),
        (10, CredentialSchema.tenantUsernameStatements(postgres: true)),
        (11, PostgresEndpointRollups.schema),
        (12, PatternSchema.postgres),
        (13, AlertSchema.statements(integer: "bigint", sequenceKey: "bigserial PRIMARY KEY")),
        (14, PostgresPatternCounts.schema),
        (15, MessageWords.schema),
        (16, PostgresLogCounts.hourlySchema),
        (17, ByteOrderKeys.schema),
        (18, MessageWords.functionReplacement),
    ]
}

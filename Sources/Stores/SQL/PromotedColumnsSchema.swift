/// The migration that adds the promoted access-log columns (``PromotedAttribute``) to `logs`, fills
/// them from the attributes of the rows already stored (`http_route` from `http.route` only: rows
/// stored before keep their raw path as their route), and indexes status and path per tenant
/// (partial indexes: rows without them cost nothing).
enum PromotedColumnsSchema {
    /// The statements for PostgreSQL.
    static let postgres: [String] = [
        """
        ALTER TABLE logs ADD COLUMN http_method text, ADD COLUMN http_path text, ADD COLUMN http_status smallint,
            ADD COLUMN duration_ms float8, ADD COLUMN client_ip text, ADD COLUMN http_route text
        """,
        """
        UPDATE logs SET
            http_method = CASE WHEN jsonb_typeof(attributes -> 'http.method') = 'string'
                THEN attributes ->> 'http.method' END,
            http_path = CASE WHEN jsonb_typeof(attributes -> 'http.path') = 'string'
                THEN attributes ->> 'http.path' END,
            http_status = CASE WHEN jsonb_typeof(attributes -> 'http.status') IN ('number', 'string')
                AND attributes ->> 'http.status' ~ '^[1-5][0-9][0-9]$' THEN (attributes ->> 'http.status')::smallint END,
            duration_ms = CASE WHEN jsonb_typeof(attributes -> 'duration_ms') = 'number'
                THEN (attributes ->> 'duration_ms')::float8 END,
            client_ip = CASE WHEN jsonb_typeof(attributes -> 'client.ip') = 'string'
                THEN attributes ->> 'client.ip' END,
            http_route = CASE WHEN jsonb_typeof(attributes -> 'http.route') = 'string'
                THEN attributes ->> 'http.route' END
        WHERE attributes ?| array['http.method', 'http.path', 'http.status', 'duration_ms', 'client.ip', 'http.route']
        """,
        "CREATE INDEX logs_tenant_http_status ON logs (tenant, http_status, ts DESC) WHERE http_status IS NOT NULL",
        "CREATE INDEX logs_tenant_http_path ON logs (tenant, http_path, ts DESC) WHERE http_path IS NOT NULL",
    ]

    /// The statements for SQLite.
    static let sqlite: [String] =
        [
            "http_method TEXT", "http_path TEXT", "http_status INTEGER", "duration_ms REAL", "client_ip TEXT",
            "http_route TEXT",
        ]
        .map {
            "ALTER TABLE logs ADD COLUMN \($0)"
        } + [
            """
            UPDATE logs SET
                http_method = CASE WHEN json_type(attributes, '$."http.method"') = 'text'
                    THEN json_extract(attributes, '$."http.method"') END,
                http_path = CASE WHEN json_type(attributes, '$."http.path"') = 'text'
                    THEN json_extract(attributes, '$."http.path"') END,
                http_status = CASE WHEN json_type(attributes, '$."http.status"') IN ('integer', 'text')
                    AND CAST(json_extract(attributes, '$."http.status"') AS TEXT) GLOB '[1-5][0-9][0-9]'
                    THEN CAST(json_extract(attributes, '$."http.status"') AS INTEGER) END,
                duration_ms = CASE WHEN json_type(attributes, '$."duration_ms"') IN ('integer', 'real')
                    THEN json_extract(attributes, '$."duration_ms"') END,
                client_ip = CASE WHEN json_type(attributes, '$."client.ip"') = 'text'
                    THEN json_extract(attributes, '$."client.ip"') END,
                http_route = CASE WHEN json_type(attributes, '$."http.route"') = 'text'
                    THEN json_extract(attributes, '$."http.route"') END
            WHERE attributes LIKE '%"http.%' OR attributes LIKE '%"duration_ms"%' OR attributes LIKE '%"client.ip"%'
            """,
            "CREATE INDEX logs_tenant_http_status ON logs (tenant, http_status, ts DESC) WHERE http_status IS NOT NULL",
            "CREATE INDEX logs_tenant_http_path ON logs (tenant, http_path, ts DESC) WHERE http_path IS NOT NULL",
        ]
}

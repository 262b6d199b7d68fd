/// The migration that adds alerting: `alert_rules` (each rule's definition as JSON beside the columns
/// the evaluator selects by, and its webhook secret), `alert_instances` (one row per rule and group
/// value), `alert_transitions` (history, with a sequence for paging), `alert_deliveries` (what each
/// transition owes each target, claimed by one sender at a time) and `alert_delivery_attempts`.
/// Times are epoch microseconds.
enum AlertSchema {
    /// The statements, with the dialect's integer type and its auto-numbered key.
    static func statements(integer: String, sequenceKey: String) -> [String] {
        [
            """
            CREATE TABLE alert_rules (
                tenant text NOT NULL,
                id text NOT NULL PRIMARY KEY,
                name text NOT NULL,
                definition text NOT NULL,
                enabled \(integer) NOT NULL,
                next_evaluation_at \(integer) NOT NULL,
                webhook_secret text NOT NULL
            )
            """,
            "CREATE INDEX alert_rules_tenant ON alert_rules (tenant, name)",
            "CREATE INDEX alert_rules_due ON alert_rules (next_evaluation_at) WHERE enabled = 1",
            """
            CREATE TABLE alert_instances (
                tenant text NOT NULL,
                id text NOT NULL PRIMARY KEY,
                rule_id text NOT NULL,
                group_value text,
                state text NOT NULL,
                value double precision,
                state_since \(integer) NOT NULL,
                active_since \(integer),
                evaluated_at \(integer) NOT NULL,
                version \(integer) NOT NULL,
                acknowledgement text,
                notified_at \(integer)
            )
            """,
            "CREATE INDEX alert_instances_rule ON alert_instances (tenant, rule_id)",
            """
            CREATE TABLE alert_transitions (
                sequence \(sequenceKey),
                id text NOT NULL UNIQUE,
                tenant text NOT NULL,
                rule_id text NOT NULL,
                rule_name text NOT NULL,
                instance_id text NOT NULL,
                group_value text,
                from_state text NOT NULL,
                to_state text NOT NULL,
                value double precision,
                at \(integer) NOT NULL,
                actor text NOT NULL,
                comment text
            )
            """,
            "CREATE INDEX alert_transitions_tenant ON alert_transitions (tenant, sequence DESC)",
            """
            CREATE TABLE alert_deliveries (
                sequence \(sequenceKey),
                id text NOT NULL UNIQUE,
                tenant text NOT NULL,
                rule_id text NOT NULL,
                transition_id text NOT NULL,
                target_kind text NOT NULL,
                target_url text NOT NULL,
                body text NOT NULL,
                status text NOT NULL,
                attempts \(integer) NOT NULL,
                created_at \(integer) NOT NULL,
                next_attempt_at \(integer) NOT NULL,
                claimed_until \(integer),
                last_error text
            )
            """,
            "CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending'",
            "CREATE INDEX alert_deliveries_tenant ON alert_deliveries (tenant, sequence DESC)",
            """
            CREATE TABLE alert_delivery_attempts (
                delivery_id text NOT NULL,
                number \(integer) NOT NULL,
                at \(integer) NOT NULL,
                status_code \(integer),
                error text,
                milliseconds \(integer) NOT NULL,
                PRIMARY KEY (delivery_id, number)
            )
            """,
        ]
    }
}

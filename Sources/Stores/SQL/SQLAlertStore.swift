import Foundation
import LogModel

/// The ``AlertStore`` in SQL that PostgreSQL and SQLite share. Each write is one statement;
/// ``record(_:instance:deliveries:)`` writes the transition, then its deliveries, then the instance,
/// each idempotent by ID, so a writer stopped between them and run again leaves the same rows.
struct SQLAlertStore<Database: SQLDatabase>: AlertStore {
    let database: Database

    private typealias Builder = SQLBuilder<Database.Dialect>

    private static var instanceColumns: String {
        "id, tenant, rule_id, group_value, state, value, state_since, active_since, evaluated_at, version, "
            + "acknowledgement, notified_at"
    }
    private static var transitionColumns: String {
        "sequence, id, tenant, rule_id, rule_name, instance_id, group_value, from_state, to_state, value, at, actor, "
            + "comment"
    }
    private static var deliveryColumns: String {
        "sequence, id, tenant, rule_id, transition_id, target_kind, target_url, body, status, attempts, created_at, "
            + "next_attempt_at, last_error"
    }

    func createRule(_ rule: AlertRule, webhookSecret: String) async throws {
        var sql = Builder()
        let statement = """
            INSERT INTO alert_rules (tenant, id, name, definition, enabled, next_evaluation_at, webhook_secret)
            VALUES (\(sql.bind(rule.tenant)), \(sql.bind(rule.id)), \(sql.bind(rule.name)), \(sql.bind(try Self.json(rule))),
                \(sql.bind(.integer(rule.enabled ? 1 : 0))), \(sql.bind(.integer(rule.createdAt.microseconds))),
                \(sql.bind(webhookSecret)))
            """
        _ = try await database.execute(statement, sql.values)
    }

    func replaceRule(_ rule: AlertRule) async throws -> Bool {
        var sql = Builder()
        let statement = """
            UPDATE alert_rules SET name = \(sql.bind(rule.name)), definition = \(sql.bind(try Self.json(rule))),
                enabled = \(sql.bind(.integer(rule.enabled ? 1 : 0))),
                next_evaluation_at = \(sql.bind(.integer(rule.updatedAt.microseconds)))
            WHERE tenant = \(sql.bind(rule.tenant)) AND id = \(sql.bind(rule.id)) RETURNING id
            """
        return try await !database.execute(statement, sql.values).isEmpty
    }

    func deleteRule(tenant: String, id: String) async throws -> Bool {
        var sql = Builder()
        let deleted = try await database.execute(
            "DELETE FROM alert_rules WHERE tenant = \(sql.bind(tenant)) AND id = \(sql.bind(id)) RETURNING id",
            sql.values)
        guard !deleted.isEmpty else { return false }
        var instances = Builder()
        _ = try await database.execute(
            "DELETE FROM alert_instances WHERE tenant = \(instances.bind(tenant)) AND rule_id = \(instances.bind(id))",
            instances.values)
        return true
    }

    func rule(tenant: String, id: String) async throws -> AlertRule? {
        var sql = Builder()
        return try await database.execute(
            "SELECT definition FROM alert_rules WHERE tenant = \(sql.bind(tenant)) AND id = \(sql.bind(id))", sql.values
        ).map { try Self.rule(from: $0) }.first
    }

    func rules(tenant: String) async throws -> [AlertRule] {
        var sql = Builder()
        return try await database.execute(
            "SELECT definition FROM alert_rules WHERE tenant = \(sql.bind(tenant)) ORDER BY name, id", sql.values
        ).map { try Self.rule(from: $0) }
    }

    func dueRules(at now: Timestamp, limit: Int) async throws -> [AlertRule] {
        var sql = Builder()
        let statement = """
            SELECT definition FROM alert_rules WHERE enabled = 1 AND next_evaluation_at <= \(sql.bind(.integer(now.microseconds)))
            ORDER BY next_evaluation_at LIMIT \(sql.bind(.integer(Int64(limit))))
            """
        return try await database.execute(statement, sql.values).map { try Self.rule(from: $0) }
    }

    func scheduleRule(tenant: String, id: String, at time: Timestamp) async throws {
        var sql = Builder()
        _ = try await database.execute(
            """
            UPDATE alert_rules SET next_evaluation_at = \(sql.bind(.integer(time.microseconds)))
            WHERE tenant = \(sql.bind(tenant)) AND id = \(sql.bind(id))
            """, sql.values)
    }

    func webhookSecret(tenant: String, ruleID: String) async throws -> String? {
        var sql = Builder()
        return try await database.execute(
            "SELECT webhook_secret FROM alert_rules WHERE tenant = \(sql.bind(tenant)) AND id = \(sql.bind(ruleID))",
            sql.values
        ).first.map { try $0.text(0) }
    }

    func instances(tenant: String, ruleID: String?) async throws -> [AlertInstance] {
        var sql = Builder()
        var statement = "SELECT \(Self.instanceColumns) FROM alert_instances WHERE tenant = \(sql.bind(tenant))"
        if let ruleID { statement += " AND rule_id = \(sql.bind(ruleID))" }
        return try await database.execute(statement + " ORDER BY rule_id, group_value, id", sql.values).map(
            Self.instance(from:))
    }

    func instance(tenant: String, id: String) async throws -> AlertInstance? {
        var sql = Builder()
        return try await database.execute(
            "SELECT \(Self.instanceColumns) FROM alert_instances WHERE tenant = \(sql.bind(tenant)) AND id = \(sql.bind(id))",
            sql.values
        ).map(Self.instance(from:)).first
    }

    func saveInstance(_ instance: AlertInstance) async throws {
        var sql = Builder()
        let values = [
            sql.bind(instance.id), sql.bind(instance.tenant), sql.bind(instance.ruleID),
            sql.bind(Self.text(instance.group)),
            sql.bind(instance.state.rawValue), sql.bind(instance.value.map(SQLValue.double) ?? .null),
            sql.bind(.integer(instance.stateSince.microseconds)), sql.bind(Self.time(instance.activeSince)),
            sql.bind(.integer(instance.evaluatedAt.microseconds)), sql.bind(.integer(Int64(instance.version))),
            sql.bind(Self.text(try instance.acknowledgement.map(Self.json))), sql.bind(Self.time(instance.notifiedAt)),
        ]
        let statement = """
            INSERT INTO alert_instances (\(Self.instanceColumns)) VALUES (\(values.joined(separator: ", ")))
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, value = excluded.value,
                state_since = excluded.state_since, active_since = excluded.active_since,
                evaluated_at = excluded.evaluated_at, version = excluded.version,
                acknowledgement = excluded.acknowledgement, notified_at = excluded.notified_at
            """
        _ = try await database.execute(statement, sql.values)
    }

    func record(_ transition: AlertTransition, instance: AlertInstance, deliveries: [AlertDelivery]) async throws {
        var sql = Builder()
        let values = [
            sql.bind(transition.id), sql.bind(transition.tenant), sql.bind(transition.ruleID),
            sql.bind(transition.ruleName), sql.bind(transition.instanceID), sql.bind(Self.text(transition.group)),
            sql.bind(transition.from.rawValue), sql.bind(transition.to.rawValue),
            sql.bind(transition.value.map(SQLValue.double) ?? .null), sql.bind(.integer(transition.at.microseconds)),
            sql.bind(transition.actor), sql.bind(Self.text(transition.comment)),
        ]
        let columns = Self.transitionColumns.dropFirst("sequence, ".count)
        _ = try await database.execute(
            "INSERT INTO alert_transitions (\(columns)) VALUES (\(values.joined(separator: ", "))) ON CONFLICT (id) DO NOTHING",
            sql.values)
        for delivery in deliveries { try await insert(delivery) }
        try await saveInstance(instance)
    }

    private func insert(_ delivery: AlertDelivery) async throws {
        var sql = Builder()
        let values = [
            sql.bind(delivery.id), sql.bind(delivery.tenant), sql.bind(delivery.ruleID),
            sql.bind(delivery.transitionID),
            sql.bind(delivery.target.kind.rawValue), sql.bind(delivery.target.url), sql.bind(delivery.body),
            sql.bind(delivery.status.rawValue), sql.bind(.integer(Int64(delivery.attempts))),
            sql.bind(.integer(delivery.createdAt.microseconds)),
            sql.bind(.integer(delivery.nextAttemptAt.microseconds)),
            sql.bind(Self.text(delivery.lastError)),
        ]
        let columns = Self.deliveryColumns.dropFirst("sequence, ".count)
        _ = try await database.execute(
            "INSERT INTO alert_deliveries (\(columns)) VALUES (\(values.joined(separator: ", "))) ON CONFLICT (id) DO NOTHING",
            sql.values)
    }

    func transitions(tenant: String, filter: AlertHistoryFilter) async throws -> [AlertTransition] {
        var sql = Builder()
        var statement = "SELECT \(Self.transitionColumns) FROM alert_transitions WHERE tenant = \(sql.bind(tenant))"
        if let ruleID = filter.ruleID { statement += " AND rule_id = \(sql.bind(ruleID))" }
        if let state = filter.state { statement += " AND to_state = \(sql.bind(state.rawValue))" }
        if let group = filter.group { statement += " AND group_value = \(sql.bind(group))" }
        if let before = filter.before { statement += " AND sequence < \(sql.bind(.integer(before)))" }
        statement += " ORDER BY sequence DESC LIMIT \(sql.bind(.integer(Int64(filter.limit))))"
        return try await database.execute(statement, sql.values).map(Self.transition(from:))
    }

    func claimDueDeliveries(at now: Timestamp, claimFor: Duration, limit: Int) async throws -> [AlertDelivery] {
        var sql = Builder()
        let until = sql.bind(.integer(now.adding(claimFor).microseconds))
        let now = sql.bind(.integer(now.microseconds))
        let statement = """
            UPDATE alert_deliveries SET claimed_until = \(until)
            WHERE id IN (
                SELECT id FROM alert_deliveries
                WHERE status = 'pending' AND next_attempt_at <= \(now) AND (claimed_until IS NULL OR claimed_until <= \(now))
                ORDER BY next_attempt_at LIMIT \(sql.bind(.integer(Int64(limit)))))
            AND (claimed_until IS NULL OR claimed_until <= \(now))
            RETURNING \(Self.deliveryColumns)
            """
        return try await database.execute(statement, sql.values).map(Self.delivery(from:)).sorted {
            $0.sequence < $1.sequence
        }
    }

    func recordAttempt(_ attempt: AlertDeliveryAttempt, delivery: AlertDelivery) async throws {
        var sql = Builder()
        let values = [
            sql.bind(attempt.deliveryID), sql.bind(.integer(Int64(attempt.number))),
            sql.bind(.integer(attempt.at.microseconds)),
            sql.bind(attempt.statusCode.map { .integer(Int64($0)) } ?? .null),
            sql.bind(Self.text(attempt.error)), sql.bind(.integer(Int64(attempt.milliseconds))),
        ]
        _ = try await database.execute(
            """
            INSERT INTO alert_delivery_attempts (delivery_id, number, at, status_code, error, milliseconds)
            VALUES (\(values.joined(separator: ", "))) ON CONFLICT (delivery_id, number) DO NOTHING
            """, sql.values)
        var update = Builder()
        _ = try await database.execute(
            """
            UPDATE alert_deliveries SET status = \(update.bind(delivery.status.rawValue)),
                attempts = \(update.bind(.integer(Int64(delivery.attempts)))),
                next_attempt_at = \(update.bind(.integer(delivery.nextAttemptAt.microseconds))),
                last_error = \(update.bind(Self.text(delivery.lastError))), claimed_until = NULL
            WHERE id = \(update.bind(delivery.id))
            """, update.values)
    }

    func deliveries(tenant: String, ruleID: String?, before: Int64?, limit: Int) async throws -> [AlertDelivery] {
        var sql = Builder()
        var statement = "SELECT \(Self.deliveryColumns) FROM alert_deliveries WHERE tenant = \(sql.bind(tenant))"
        if let ruleID { statement += " AND rule_id = \(sql.bind(ruleID))" }
        if let before { statement += " AND sequence < \(sql.bind(.integer(before)))" }
        statement += " ORDER BY sequence DESC LIMIT \(sql.bind(.integer(Int64(limit))))"
        return try await database.execute(statement, sql.values).map(Self.delivery(from:))
    }

    func attempts(deliveryIDs: [String]) async throws -> [AlertDeliveryAttempt] {
        guard !deliveryIDs.isEmpty else { return [] }
        var sql = Builder()
        let ids = try String(decoding: JSONEncoder().encode(deliveryIDs), as: UTF8.self)
        let statement = """
            SELECT delivery_id, number, at, status_code, error, milliseconds FROM alert_delivery_attempts
            WHERE delivery_id IN (\(Database.Dialect.textArrayElements(sql.bind(ids)))) ORDER BY delivery_id, number
            """
        return try await database.execute(statement, sql.values).map { row in
            AlertDeliveryAttempt(
                deliveryID: try row.text(0), number: Int(try row.integer(1)),
                at: Timestamp(microseconds: try row.integer(2)),
                statusCode: row.optionalInteger(3).map(Int.init), error: row[4]?.text,
                milliseconds: Int(try row.integer(5)))
        }
    }

    // MARK: Rows

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func rule(from row: [SQLValue?]) throws -> AlertRule {
        try JSONDecoder().decode(AlertRule.self, from: Data(try row.text(0).utf8))
    }

    private static func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }

    private static func time(_ value: Timestamp?) -> SQLValue { value.map { .integer($0.microseconds) } ?? .null }

    private static func optionalTime(_ value: SQLValue?) -> Timestamp? {
        value?.integer.map(Timestamp.init(microseconds:))
    }

    private static func double(_ value: SQLValue?) -> Double? {
        switch value {
        case .double(let number)?: number
        case .integer(let number)?: Double(number)
        default: nil
        }
    }

    private static func instance(from row: [SQLValue?]) throws -> AlertInstance {
        AlertInstance(
            id: try row.text(0), tenant: try row.text(1), ruleID: try row.text(2), group: row[3]?.text,
            state: try state(row.text(4)), value: double(row[5]),
            stateSince: Timestamp(microseconds: try row.integer(6)),
            activeSince: optionalTime(row[7]), evaluatedAt: Timestamp(microseconds: try row.integer(8)),
            version: Int(try row.integer(9)),
            acknowledgement: try row[10]?.text.map {
                try JSONDecoder().decode(AlertAcknowledgement.self, from: Data($0.utf8))
            }, notifiedAt: optionalTime(row[11]))
    }

    private static func transition(from row: [SQLValue?]) throws -> AlertTransition {
        AlertTransition(
            id: try row.text(1), sequence: try row.integer(0), tenant: try row.text(2), ruleID: try row.text(3),
            ruleName: try row.text(4), instanceID: try row.text(5), group: row[6]?.text, from: try state(row.text(7)),
            to: try state(row.text(8)), value: double(row[9]), at: Timestamp(microseconds: try row.integer(10)),
            actor: try row.text(11), comment: row[12]?.text)
    }

    private static func delivery(from row: [SQLValue?]) throws -> AlertDelivery {
        guard let kind = AlertTarget.Kind(rawValue: try row.text(5)),
            let status = AlertDelivery.Status(rawValue: try row.text(8))
        else { throw StoreError(.corruptRow, "unknown delivery target or status in a stored row") }
        return AlertDelivery(
            id: try row.text(1), sequence: try row.integer(0), tenant: try row.text(2), ruleID: try row.text(3),
            transitionID: try row.text(4), target: AlertTarget(kind: kind, url: try row.text(6)), body: try row.text(7),
            status: status, attempts: Int(try row.integer(9)), createdAt: Timestamp(microseconds: try row.integer(10)),
            nextAttemptAt: Timestamp(microseconds: try row.integer(11)), lastError: row[12]?.text)
    }

    private static func state(_ text: String) throws -> AlertState {
        guard let state = AlertState(rawValue: text) else {
            throw StoreError(.corruptRow, "unknown alert state in a stored row")
        }
        return state
    }
}

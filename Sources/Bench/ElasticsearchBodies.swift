import LogModel

/// The workload's records as Elasticsearch `_bulk` bodies, as Filebeat sends them: a `create`
/// action and an ECS document per record (`@timestamp`, `log.level`, `service.name`, `host.name`,
/// `trace.id`, `span.id`, `transaction.id`, the attributes beside them).
enum ElasticsearchBodies {
    /// One request body holding `records`.
    static func body(_ records: [JSONValue]) -> String {
        let action = #"{"create":{"_index":"logs-bench"}}"#
        return records.map { record in
            guard case .object(let fields) = record else { return "" }
            var document: [String: JSONValue] = [:]
            if case .object(let attributes) = fields["attributes"] { document = attributes }
            let names = [
                "timestamp": "@timestamp", "message": "message", "level": "log.level", "service": "service.name",
                "host": "host.name", "trace_id": "trace.id", "span_id": "span.id", "correlation_id": "transaction.id",
            ]
            for (field, name) in names { document[name] = fields[field] }
            return action + "\n" + JSONValue.object(document).jsonText + "\n"
        }.joined()
    }
}

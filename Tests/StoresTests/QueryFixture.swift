import LogModel

/// Records and queries that together exercise every construct of the query language.
enum QueryFixture {
    static func records(tenant: String) -> [LogRecord] {
        [
            makeRecord(
                "Connection to 10.0.0.7 timed out after 3000 ms", tenant: tenant, second: 1, level: .error,
                service: "payments", host: "web-1", environment: "production", traceID: "trace-aaa",
                correlationID: "corr-1",
                attributes: ["http.status": .integer(504), "user_id": .string("42"), "client.ip": .string("10.1.2.3")]),
            makeRecord(
                "GET /api/v1/orders/ORD-99812 200", tenant: tenant, second: 2, level: .info, service: "orders",
                host: "web-2", environment: "production",
                attributes: [
                    "http.status": .integer(200), "duration_ms": .double(12.5), "user_id": .integer(42),
                    "http.method": .string("GET"), "http.path": .string("/api/v1/orders/ORD-99812"),
                    "client.ip": .string("10.0.0.9"),
                ]),
            makeRecord(
                "disk usage at 91%", tenant: tenant, second: 3, level: .warn, service: "agent", host: "db-1",
                environment: "staging", attributes: ["cached": .bool(true), "http.status": .string("n/a")]),
            makeRecord(
                "payment declined: card_expired", tenant: tenant, second: 4, level: .warn, service: "payments",
                host: "web-1", environment: "production",
                attributes: ["http.status": .string("402"), "http.method": .string("POST")]),
            makeRecord(
                "Fatal: out of memory", tenant: tenant, second: 5, level: .fatal, service: "payment-worker",
                host: "worker-3", attributes: ["duration_ms": .integer(250)]),
            makeRecord("debug tick", tenant: tenant, second: 6, level: .debug),
        ]
    }

    static let timeout = "Connection to 10.0.0.7 timed out after 3000 ms"
    static let orders = "GET /api/v1/orders/ORD-99812 200"
    static let disk = "disk usage at 91%"
    static let declined = "payment declined: card_expired"
    static let fatal = "Fatal: out of memory"
    static let debug = "debug tick"
    static let everything: Set<String> = [timeout, orders, disk, declined, fatal, debug]

    /// Each query with the messages it must match, no more and no fewer.
    static let cases: [(String, Set<String>)] = [
        ("", everything),
        ("*", everything),
        ("timed", [timeout]),
        ("TIMED", [timeout]),
        ("\"timed out after\"", [timeout]),
        ("\"out after 3000\"", [timeout]),
        ("10.0.0.7", [timeout]),
        ("ORD-998", [orders]),
        ("/api/v1/orders", [orders]),
        ("91%", [disk]),
        ("card_expired", [declined]),
        ("card_", [declined]),
        ("\"DECLINED: card\"", [declined]),
        ("ORD_998", []),
        ("\"orders ORD\"", []),
        ("tim*out", [timeout]),
        ("service:payments", [timeout, declined]),
        ("service:payment*", [timeout, declined, fatal]),
        ("service:\"payment-worker\"", [fatal]),
        ("host:web-1", [timeout, declined]),
        ("environment:staging", [disk]),
        ("trace_id:trace-aaa", [timeout]),
        ("correlation_id:corr-1", [timeout]),
        ("level:ERROR", [timeout]),
        ("level:err", [timeout]),
        ("level:>=WARN", [timeout, disk, declined, fatal]),
        ("level:<INFO", [debug]),
        ("level:<=info", [orders, debug]),
        ("-level:DEBUG", everything.subtracting([debug])),
        ("NOT service:payments", everything.subtracting([timeout, declined])),
        ("-service:payments", everything.subtracting([timeout, declined])),
        ("service:payments level:WARN", [declined]),
        ("service:payments AND level:ERROR", [timeout]),
        ("service:agent OR service:orders", [disk, orders]),
        ("(service:agent OR service:orders) level:INFO", [orders]),
        ("service:payments -(declined OR memory)", [timeout]),
        ("attributes.http.status:504", [timeout]),
        ("http.status>=400", [timeout, declined]),
        ("attributes.http.status:>=200 attributes.http.status:<300", [orders]),
        ("duration_ms>100", [fatal]),
        ("duration_ms:<=12.5", [orders]),
        ("user_id:42", [timeout, orders]),
        ("cached:true", [disk]),
        ("attributes.duration_ms:*", [orders, fatal]),
        ("-attributes.duration_ms:*", everything.subtracting([orders, fatal])),
        ("http.method:GET", [orders]),
        ("http.method:get", []),
        ("http.method:P*", [declined]),
        ("http.path:/api/*", [orders]),
        ("http.path:/api", []),
        ("client.ip:10.0.0.*", [orders]),
        ("client.ip:10.*", [timeout, orders]),
        ("http.status:5*", [timeout]),
        ("http.status:402", [declined]),
        ("http.status:*", [timeout, orders, disk, declined]),
        ("http.status:n/a", [disk]),
        ("http.path>1", []),
        ("duration_ms:250", [fatal]),
        ("duration_ms:12*", [orders]),
        ("missing_key:1", []),
        ("nothing-matches-this", []),
    ]
}

import Syslog
import Testing

@testable import App

/// Settings read from the environment: defaults, values, and refusals that name the variable.
@Suite("AppConfiguration")
struct AppConfigurationTests {
    @Test("syslog listeners are off by default; an address is host:port, [v6]:port or a port on loopback")
    func syslogAddresses() throws {
        let defaults = try AppConfiguration(environment: [:])
        #expect(defaults.syslogTCP == nil && defaults.syslogUDP == nil && defaults.syslogTenant == "default")
        let set = try AppConfiguration(environment: [
            "LOGSMITH_SYSLOG_TCP": "0.0.0.0:514", "LOGSMITH_SYSLOG_UDP": "5514", "LOGSMITH_SYSLOG_TENANT": "net",
        ])
        #expect(set.syslogTCP?.description == "0.0.0.0:514")
        #expect(set.syslogUDP?.description == "127.0.0.1:5514")
        #expect(set.syslogTenant == "net")
        #expect(try AppConfiguration(environment: ["LOGSMITH_SYSLOG_TCP": "[::1]:6514"]).syslogTCP?.host == "::1")
        for value in ["host:", "host:99999", "[::1]6514", "port"] {
            #expect(throws: ConfigurationError.self, "\(value)") {
                try AppConfiguration(environment: ["LOGSMITH_SYSLOG_TCP": value])
            }
        }
    }

    @Test("the group-commit writer's settings default to the store's choice and read their variables")
    func ingestWriterSettings_readFromEnvironment() throws {
        let defaults = try AppConfiguration(environment: [:])
        #expect(defaults.ingestFlushesSetting == nil)
        #expect(defaults.ingestBatchRecords == 5000)
        let set = try AppConfiguration(
            environment: ["LOGSMITH_INGEST_FLUSHES": "2", "LOGSMITH_INGEST_BATCH_RECORDS": "1000"])
        #expect(set.ingestFlushesSetting == 2)
        #expect(set.ingestBatchRecords == 1000)
    }

    @Test("connection, page and read-concurrency limits are read from the environment")
    func isolationSettings_readFromEnvironment() throws {
        let set = try AppConfiguration(
            environment: [
                "LOGSMITH_HTTP_MIN_BODY_RATE": "2000", "LOGSMITH_HTTP_MAX_CONNECTIONS": "500",
                "LOGSMITH_HTTP_MAX_CONNECTIONS_PER_CLIENT": "20", "LOGSMITH_MAX_PAGE_BYTES": "65536",
                "LOGSMITH_READ_CONCURRENCY_PER_TENANT": "3", "LOGSMITH_MAX_ATTRIBUTE_KEYS": "500",
                "LOGSMITH_INGEST_QUEUE_RECORDS_PER_TENANT": "7000", "LOGSMITH_LIMIT_SEARCH_PER_TENANT": "40",
                "LOGSMITH_LIMIT_SEARCH_BYTES_PER_TENANT": "1048576",
            ])
        #expect(set.httpMinBodyBytesPerSecond == 2000)
        #expect(set.httpMaxConnections == 500)
        #expect(set.httpMaxConnectionsPerClient == 20)
        #expect(set.maxPageBytes == 65536)
        #expect(set.readConcurrencyPerTenant == 3)
        #expect(set.maxAttributeKeysPerDay == 500)
        #expect(set.maxQueuedRecordsPerTenant == 7000)
        #expect(set.searchRequestsPerTenantPerSecond == 40)
        #expect(set.searchBytesPerTenantPerSecond == 1_048_576)
    }

    @Test(
        "an integer setting out of its range or not a number is refused, naming the variable",
        arguments: [
            ("LOGSMITH_INGEST_FLUSHES", "0"), ("LOGSMITH_INGEST_FLUSHES", "65"), ("LOGSMITH_INGEST_FLUSHES", "two"),
            ("LOGSMITH_INGEST_BATCH_RECORDS", "0"), ("LOGSMITH_PORT", "70000"), ("LOGSMITH_QUERY_BUDGET", "0"),
            ("LOGSMITH_HTTP_MIN_BODY_RATE", "0"), ("LOGSMITH_HTTP_MAX_CONNECTIONS", "0"),
            ("LOGSMITH_HTTP_MAX_CONNECTIONS_PER_CLIENT", "many"), ("LOGSMITH_MAX_PAGE_BYTES", "100"),
            ("LOGSMITH_READ_CONCURRENCY_PER_TENANT", "0"), ("LOGSMITH_MAX_ATTRIBUTE_KEYS", "0"),
            ("LOGSMITH_MAX_ATTRIBUTE_KEYS", "1000001"), ("LOGSMITH_INGEST_QUEUE_RECORDS_PER_TENANT", "0"),
            ("LOGSMITH_LIMIT_SEARCH_PER_TENANT", "-1"), ("LOGSMITH_LIMIT_SEARCH_BYTES_PER_TENANT", "lots"),
            ("LOGSMITH_PATTERN_SYNC_SECONDS", "0"), ("LOGSMITH_PATTERN_SYNC_SECONDS", "3601"),
            ("LOGSMITH_TAIL_LIMIT", "0"), ("LOGSMITH_TAIL_BUFFER_RECORDS", "199"),
            ("LOGSMITH_TAIL_HEARTBEAT_SECONDS", "301"), ("LOGSMITH_DATABASE_POOL", "3"),
            ("LOGSMITH_DATABASE_POOL", "lots"), ("LOGSMITH_DATABASE_POOL", "9"),
            ("LOGSMITH_ALERT_RULES_PER_TENANT", "0"), ("LOGSMITH_DATABASE_READ_MAX_LAG_SECONDS", "0"),
            ("LOGSMITH_DATABASE_READ_WAIT_MS", "60001"),
        ])
    func integerSetting_invalid_isRefused(name: String, value: String) {
        #expect {
            try AppConfiguration(environment: [name: value])
        } throws: { error in
            (error as? ConfigurationError)?.message.hasPrefix("\(name) must be an integer in") == true
        }
    }

    @Test("standbys are read from a comma-separated LOGSMITH_DATABASE_READ_URL, and only beside a primary")
    func readURLs() throws {
        let set = try AppConfiguration(environment: [
            "LOGSMITH_DATABASE_URL": "postgres://logsmith@primary/logs",
            "LOGSMITH_DATABASE_READ_URL": "postgres://logsmith@standby-1/logs, postgres://logsmith@standby-2/logs",
        ])
        #expect(set.databaseReadURLs == ["postgres://logsmith@standby-1/logs", "postgres://logsmith@standby-2/logs"])
        #expect(set.databaseReadMaxLagSeconds == 10 && set.databaseReadWaitMilliseconds == 100)
        #expect {
            try AppConfiguration(environment: ["LOGSMITH_DATABASE_READ_URL": "postgres://logsmith@standby/logs"])
                .validate()
        } throws: { error in
            (error as? ConfigurationError)?.message.hasPrefix("LOGSMITH_DATABASE_READ_URL needs LOGSMITH_DATABASE_URL")
                == true
        }
    }

    @Test("pattern mining is on unless LOGSMITH_PATTERNS=off, and any other value is refused")
    func patternsSetting() throws {
        #expect(try AppConfiguration(environment: [:]).patternsEnabled)
        #expect(try !AppConfiguration(environment: ["LOGSMITH_PATTERNS": "off"]).patternsEnabled)
        #expect {
            try AppConfiguration(environment: ["LOGSMITH_PATTERNS": "no"])
        } throws: { error in
            (error as? ConfigurationError)?.message == "LOGSMITH_PATTERNS must be on or off"
        }
    }

    @Test("alert settings: defaults, values read, and anything else refused naming the variable")
    func alertSettings() throws {
        let defaults = try AppConfiguration(environment: ["LOGSMITH_PORT": "9000"])
        #expect(defaults.alertsEnabled && !defaults.alertAllowLinkLocal && defaults.alertmanagerURL == nil)
        #expect(defaults.alertRetrySeconds == 3600 && defaults.alertRepeatSeconds == 14_400)
        #expect(defaults.publicURL == "http://127.0.0.1:9000")
        let set = try AppConfiguration(environment: [
            "LOGSMITH_ALERTS": "off", "LOGSMITH_ALERT_ALLOW_LINK_LOCAL": "true", "LOGSMITH_ALERT_RETRY_SECONDS": "60",
            "LOGSMITH_ALERT_REPEAT_SECONDS": "0", "LOGSMITH_PUBLIC_URL": "https://logs.example.com",
            "LOGSMITH_ALERTMANAGER_URL": "http://alertmanager:9093",
        ])
        #expect(
            !set.alertsEnabled && set.alertAllowLinkLocal && set.alertRetrySeconds == 60 && set.alertRepeatSeconds == 0)
        #expect(set.publicURL == "https://logs.example.com" && set.alertmanagerURL == "http://alertmanager:9093")
        let refused = [
            ("LOGSMITH_ALERTS", "no"), ("LOGSMITH_ALERT_ALLOW_LINK_LOCAL", "yes"),
            ("LOGSMITH_ALERT_RETRY_SECONDS", "5"),
            ("LOGSMITH_ALERT_REPEAT_SECONDS", "-1"), ("LOGSMITH_PUBLIC_URL", "logs.example.com"),
            ("LOGSMITH_ALERTMANAGER_URL", "ftp://alertmanager"),
        ]
        for (name, value) in refused {
            #expect(throws: ConfigurationError.self, "\(name)=\(value)") {
                try AppConfiguration(environment: [name: value])
            }
        }
    }
}

import ServiceLifecycleTestKit
import Synchronization
import Telemetry
import Testing
import W3CTraceContext

/// Runs the processor, shuts it down gracefully, and returns once it has finished exporting.
func drain(_ processor: BatchSpanProcessor) async throws {
    try await testGracefulShutdown { trigger in
        let running = Task { try await processor.run() }
        trigger.triggerGracefulShutdown()
        try await running.value
    }
}

@Suite("Batch span processor")
struct BatchSpanProcessorTests {
    static func span(_ index: Int) -> FinishedSpan {
        FinishedSpan(
            context: TraceContext(traceID: .random(), spanID: .random(), flags: .sampled, state: .init()),
            parentSpanID: nil, name: "span-\(index)", kind: .internal, startTimeUnixNano: 1, endTimeUnixNano: 2)
    }

    static func configuration(queue: Int, batch: Int, timeout: Duration = .seconds(10))
        -> BatchSpanProcessor
        .Configuration
    {
        var configuration = BatchSpanProcessor.Configuration()
        configuration.maxQueueSize = queue
        configuration.maxExportBatchSize = batch
        configuration.scheduleDelay = .seconds(3600)
        configuration.exportTimeout = timeout
        return configuration
    }

    @Test("a full queue drops and counts spans at once instead of waiting for the exporter")
    func fullQueue_dropsAndCounts() {
        let exporter = RecordingExporter(.hang)
        let processor = BatchSpanProcessor(
            configuration: Self.configuration(queue: 10, batch: 5), exporter: exporter, counters: exporter.counters)
        for index in 0..<30 { processor.enqueue(Self.span(index)) }
        #expect(exporter.dropped.withLock { $0 } == 20)
        #expect(exporter.batches.isEmpty)
    }

    @Test("graceful shutdown exports everything queued, in batches no larger than the batch size, in order")
    func shutdown_flushesInBatches() async throws {
        let exporter = RecordingExporter()
        let processor = BatchSpanProcessor(
            configuration: Self.configuration(queue: 100, batch: 5), exporter: exporter, counters: exporter.counters)
        for index in 0..<12 { processor.enqueue(Self.span(index)) }
        try await drain(processor)
        #expect(exporter.batches.map(\.count) == [5, 5, 2])
        #expect(exporter.spans.map(\.name) == (0..<12).map { "span-\($0)" })
        #expect(exporter.exported.withLock { $0 } == 12)
        processor.enqueue(Self.span(99))
        #expect(exporter.dropped.withLock { $0 } == 1)
    }

    @Test("a failing exporter's spans are counted as failed")
    func failingExporter_countsFailed() async throws {
        let exporter = RecordingExporter(.fail)
        let processor = BatchSpanProcessor(
            configuration: Self.configuration(queue: 100, batch: 4), exporter: exporter, counters: exporter.counters)
        for index in 0..<6 { processor.enqueue(Self.span(index)) }
        try await drain(processor)
        #expect(exporter.failed.withLock { $0 } == 6)
        #expect(exporter.exported.withLock { $0 } == 0)
    }

    @Test("an exporter that never answers is cut off by the export timeout, so shutdown still ends")
    func hangingExporter_timesOut() async throws {
        let exporter = RecordingExporter(.hang)
        let processor = BatchSpanProcessor(
            configuration: Self.configuration(queue: 100, batch: 4, timeout: .milliseconds(50)), exporter: exporter,
            counters: exporter.counters)
        for index in 0..<3 { processor.enqueue(Self.span(index)) }
        try await drain(processor)
        #expect(exporter.failed.withLock { $0 } == 3)
    }
}

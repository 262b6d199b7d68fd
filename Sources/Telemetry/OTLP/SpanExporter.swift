/// Sends a batch of finished spans somewhere; the batch span processor calls it from one task, one
/// batch at a time.
public protocol SpanExporter: Sendable {
    /// Sends the spans, retrying as the protocol allows; throws when the batch is given up.
    func export(_ spans: [FinishedSpan]) async throws
}

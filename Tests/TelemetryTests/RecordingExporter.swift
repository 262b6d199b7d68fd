import Synchronization
import Telemetry

/// An exporter that keeps what it is given and can be made to fail or to hang, with counters that
/// record what the processor reports.
final class RecordingExporter: SpanExporter {
    enum Behaviour {
        case succeed
        case fail
        case hang
    }

    private let state = Mutex<(batches: [[FinishedSpan]], behaviour: Behaviour)>(([], .succeed))
    let exported = Mutex(0)
    let dropped = Mutex(0)
    let failed = Mutex(0)

    init(_ behaviour: Behaviour = .succeed) {
        state.withLock { $0.behaviour = behaviour }
    }

    var batches: [[FinishedSpan]] { state.withLock { $0.batches } }
    var spans: [FinishedSpan] { batches.flatMap { $0 } }

    var counters: ExportCounters {
        ExportCounters(
            exported: { count in self.exported.withLock { $0 += count } },
            dropped: { count in self.dropped.withLock { $0 += count } },
            failed: { count in self.failed.withLock { $0 += count } })
    }

    struct Refused: Error {}

    func export(_ spans: [FinishedSpan]) async throws {
        let behaviour = state.withLock { state in
            state.batches.append(spans)
            return state.behaviour
        }
        switch behaviour {
        case .succeed: return
        case .fail: throw Refused()
        case .hang: try await Task.sleep(for: .seconds(3600))
        }
    }
}

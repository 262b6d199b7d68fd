import Foundation

/// A progress bar on standard error while a transfer runs, redrawn five times a second: bytes sent,
/// lines per second and the time left; nothing when standard error is not a terminal.
final class ProgressDisplay: Sendable {
    private let task: Task<Void, Never>?

    init(counter: TransferCounter, totalBytes: Int?) {
        guard isatty(STDERR_FILENO) == 1 else {
            task = nil
            return
        }
        task = Task {
            let started = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                let elapsed = (ContinuousClock.now - started) / .seconds(1)
                let line = Self.line(counter.totals, totalBytes: totalBytes, elapsedSeconds: elapsed)
                FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            }
        }
    }

    /// Stops redrawing and moves to a new line.
    func stop() {
        guard let task else { return }
        task.cancel()
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// `[########------------]  40%  9.6/24.0 MB  12,345 lines/s  ETA 0:05`.
    static func line(_ totals: (bytes: Int, lines: Int), totalBytes: Int?, elapsedSeconds: Double) -> String {
        let megabytes = Double(totals.bytes) / 1_000_000
        let linesPerSecond = elapsedSeconds > 0 ? Int(Double(totals.lines) / elapsedSeconds) : 0
        guard let totalBytes, totalBytes > 0 else {
            return String(format: "%.1f MB  %d lines/s", megabytes, linesPerSecond)
        }
        let fraction = min(1, Double(totals.bytes) / Double(totalBytes))
        let filled = Int(fraction * 20)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled)
        let remaining = fraction > 0 ? Int(elapsedSeconds / fraction - elapsedSeconds) : 0
        return String(
            format: "[%@] %3d%%  %.1f/%.1f MB  %d lines/s  ETA %d:%02d", bar, Int(fraction * 100), megabytes,
            Double(totalBytes) / 1_000_000, linesPerSecond, remaining / 60, remaining % 60)
    }
}

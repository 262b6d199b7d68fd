import ArgumentParser

/// `logsmith-bench`: load generators and measurements for Logsmith (see `bench/README.md`).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logsmith-bench",
        abstract: "Drive a running Logsmith on loopback and measure it.",
        subcommands: [
            IngestBenchmark.self, GetBenchmark.self, SearchBenchmark.self, RowsCommand.self, UploadBenchmark.self,
            TailBenchmark.self, FloorServer.self,
        ])
}

import LogModel
import Parsing
import TestSupport
import Testing

@Suite("Text record reader")
struct TextRecordReaderTests {
    @Test(
        "formats are detected from the first lines of each shared file",
        arguments: [
            ("access/nginx_access.log", TextFormat.access), ("access/apache_access.log", .access),
            ("loghub/Linux/Linux_2k.log", .syslog), ("loghub/OpenSSH/OpenSSH_2k.log", .syslog),
            ("loghub/Hadoop/Hadoop_2k.log", .plain), ("loghub/HDFS/HDFS_2k.log", .plain),
            ("loghub/Zookeeper/Zookeeper_2k.log", .plain), ("loghub/Android/Android_2k.log", .plain),
        ])
    func detection(path: String, format: TextFormat) throws {
        let lines = try TestData.lines(path)
        #expect(
            TextFormat.detect(Array(lines.prefix(TextRecordReader.sampleSize)), context: TestData.context) == format)
    }

    @Test("JSON lines and logfmt are detected too")
    func detectionOfStructuredLines() {
        #expect(TextFormat.detect([#"{"message":"a"}"#, #"{"message":"b"}"#], context: TestData.context) == .jsonl)
        #expect(TextFormat.detect(["level=info msg=a", "level=warn msg=b"], context: TestData.context) == .logfmt)
        #expect(TextFormat.detect(["<13>1 2026-12-02T10:00:00Z h a - - - m"], context: TestData.context) == .syslog)
    }

    @Test("stack traces join the record before them and keep its line number; blank lines are skipped")
    func multiline() {
        let lines = [
            "2026-12-02 10:00:00,001 ERROR request failed", "java.lang.IllegalStateException: boom",
            "\tat com.example.Service.run(Service.java:42)", "Caused by: java.io.IOException: reset",
            "\t... 12 more", "", "2026-12-02 10:00:01,000 INFO next",
        ]
        var reader = TextRecordReader(format: nil, multiline: nil, context: TestData.context, maxMessageBytes: 65_536)
        var output: [TextRecordReader.Output] = []
        for (index, line) in lines.enumerated() { reader.add(line, number: index + 1, into: &output) }
        #expect(output.isEmpty)
        reader.finish(into: &output)
        #expect(reader.format == .plain)
        guard output.count == 3, case .record(let first, let firstLines) = output[0],
            case .record(_, let secondLines) = output[1], case .record(_, let thirdLines) = output[2]
        else {
            Issue.record("expected three records, got \(output)")
            return
        }
        #expect(firstLines == 1...1)
        #expect(secondLines == 2...5)
        #expect(thirdLines == 7...7)
        #expect(first.text("message") == "ERROR request failed")
        guard case .record(let trace, _) = output[1] else { return }
        #expect(
            trace.text("message")
                == "java.lang.IllegalStateException: boom\n\tat com.example.Service.run(Service.java:42)\n"
                + "Caused by: java.io.IOException: reset\n\t... 12 more")
    }

    @Test("a continuation past the message limit is dropped, the record kept")
    func multilineLimit() {
        var reader = TextRecordReader(format: .plain, multiline: true, context: TestData.context, maxMessageBytes: 20)
        var output: [TextRecordReader.Output] = []
        reader.add("first line", number: 1, into: &output)
        reader.add("  short", number: 2, into: &output)
        reader.add("  this one is far too long", number: 3, into: &output)
        reader.finish(into: &output)
        #expect(output == [.record(ParsedLine(fields: ["message": .string("first line\n  short")]), lines: 1...3)])
    }

    @Test("lines the format cannot read are rejected with their numbers")
    func rejections() {
        var reader = TextRecordReader(format: .access, multiline: nil, context: TestData.context, maxMessageBytes: 100)
        var output: [TextRecordReader.Output] = []
        reader.add("garbage", number: 1, into: &output)
        reader.finish(into: &output)
        guard case .rejected(let line, _) = output.first else {
            Issue.record("expected a rejection, got \(output)")
            return
        }
        #expect(line == 1)
    }
}

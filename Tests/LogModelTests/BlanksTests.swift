import LogModel
import Testing

@Suite("Trimming blanks")
struct BlanksTests {
    @Test(
        "spaces and tabs go from both ends, nothing else",
        arguments: [
            ("", ""), ("   ", ""), ("\t", ""), ("a", "a"), (" a ", "a"), ("\t Bearer  key \t", "Bearer  key"),
            ("a\n", "a\n"), ("\u{A0}a", "\u{A0}a"), (" é ", "é"),
        ])
    func trimmingBlanks(text: String, expected: String) {
        #expect(text.trimmingBlanks == expected)
        #expect(text[...].trimmingBlanks == expected)
    }
}

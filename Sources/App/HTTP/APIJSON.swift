import Foundation

/// How every JSON answer is written: keys sorted, so equal answers are equal bytes (the cache relies
/// on it), and `/` left as it is (paths and URLs read as sent, not as `\/`).
enum APIJSON {
    /// A new encoder with those settings.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

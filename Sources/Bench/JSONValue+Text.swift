import LogModel

extension JSONValue {
    /// The string, when the value is one.
    var text: String? {
        if case .string(let text) = self { text } else { nil }
    }
}

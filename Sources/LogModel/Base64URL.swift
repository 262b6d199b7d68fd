public import Foundation

/// Base64url without padding (RFC 4648 §5): the alphabet of tokens that travel in URLs and headers.
public enum Base64URL {
    /// The data as base64url text without `=` padding.
    public static func encode(_ data: Data) -> String {
        let standard = data.base64EncodedString().utf8.lazy.filter { $0 != UInt8(ascii: "=") }
        return String(
            decoding: standard.map { byte in
                switch byte {
                case UInt8(ascii: "+"): UInt8(ascii: "-")
                case UInt8(ascii: "/"): UInt8(ascii: "_")
                default: byte
                }
            }, as: UTF8.self)
    }

    /// The data of base64url text, padded or not; nil when it is not base64url.
    public static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

import Crypto
import Foundation
import LogModel

/// The `Logsmith-Signature` of a webhook request: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
/// "<t>.<body>" under the rule's secret>`, as Stripe signs its webhooks, so a receiver can check
/// both who sent the body and that it is recent.
public enum WebhookSignature {
    /// The header's name.
    public static let header = "Logsmith-Signature"

    /// The header's value for `body` sent at `seconds` since the epoch.
    public static func value(body: String, secret: String, seconds: Int64) -> String {
        "t=\(seconds),v1=\(hex(body: body, secret: secret, seconds: seconds))"
    }

    /// Whether `header` signs `body` under `secret`.
    public static func verifies(_ header: String, body: String, secret: String) -> Bool {
        var fields: [Substring: Substring] = [:]
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        guard let time = fields["t"].flatMap({ Int64($0) }), let signature = fields["v1"] else { return false }
        let expected = hex(body: body, secret: secret, seconds: time)
        return expected.utf8.count == signature.utf8.count
            && zip(expected.utf8, signature.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func hex(body: String, secret: String, seconds: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(seconds).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Hex.encode(mac)
    }
}

import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import LogModel
import NIOCore

/// One file of the explorer, ready to serve: its bytes, type and entity tag, answered with a strict
/// content security policy (scripts, styles and requests from this origin only, no framing) and
/// revalidated on every use, so an upgraded server never leaves a browser on stale files.
struct ExplorerFile: Sendable {
    /// What every explorer file allows: this origin's scripts, styles and API, `data:` images (the
    /// empty favicon), nothing else.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    let bytes: ByteBuffer
    let contentType: String
    /// A quoted strong entity tag: the first 16 bytes of the text's SHA-256, in hex.
    let entityTag: String

    init(text: String, contentType: String) {
        bytes = ByteBuffer(string: text)
        self.contentType = contentType
        entityTag = "\"\(Hex.encode(SHA256.hash(data: Array(text.utf8)).prefix(16)))\""
    }

    /// The content type of a file under `ui/`, by its extension.
    static func contentType(ofFileNamed name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    /// The file, or 304 when the request's `If-None-Match` names its current tag.
    func response(to request: Request) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.eTag] = entityTag
        headers[.cacheControl] = "no-cache"
        headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        let cached = request.headers[values: .ifNoneMatch].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingBlanks }.contains { $0 == entityTag || $0 == "*" }
        guard !cached else { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: bytes))
    }
}

extension HTTPField.Name {
    /// What the browser may send as `Referer` when the page links elsewhere (Jaeger).
    fileprivate static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}

import Foundation
import HTTPTypes
import Hummingbird
import LogModel

/// Behind a reverse proxy, every request comes from the proxy's address, so per-address limits would
/// lump all clients together. When the peer is one of the trusted proxies
/// (`LOGSMITH_TRUSTED_PROXIES`), the client address becomes the rightmost address in
/// `X-Forwarded-For` that is not itself a trusted proxy; from any other peer the header is ignored,
/// since a client could write anything there.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// The addresses of the proxies whose `X-Forwarded-For` is believed.
    let trustedProxies: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let peer = context.clientAddress, trustedProxies.contains(peer) else {
            return try await next(request, context)
        }
        let hops = request.headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }
            .map { String($0.trimmingBlanks) }.filter { !$0.isEmpty }
        guard let client = hops.last(where: { !trustedProxies.contains($0) }) ?? hops.first else {
            return try await next(request, context)
        }
        var context = context
        context.clientAddress = String(client.prefix(64))
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`: the addresses a request passed through, the client first.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

import Foundation
import NIOCore

/// Which addresses notifications may go to: http and https URLs, never a link-local address (which
/// holds cloud metadata services: `169.254.169.254`, `fd00:ec2::254`) or a known metadata host,
/// unless the deployment allows them (`LOGSMITH_ALERT_ALLOW_LINK_LOCAL`). Checked when a rule is
/// saved and again on every send, against the addresses the host name resolves to then.
public struct TargetAddressPolicy: Sendable {
    /// Whether link-local and metadata addresses are allowed.
    public var allowsLinkLocal: Bool

    /// Creates a policy.
    public init(allowsLinkLocal: Bool) {
        self.allowsLinkLocal = allowsLinkLocal
    }

    private static let metadataHosts: Set<String> = [
        "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal",
    ]

    /// Why `text` may not be a target's URL; nil when it may.
    public func refusal(ofURL text: String) -> String? {
        guard text.utf8.count <= 2048, let url = URLComponents(string: text),
            let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme)
        else { return "must be an http or https URL" }
        guard let host = url.host?.lowercased(), !host.isEmpty else { return "must name a host" }
        guard url.user == nil, url.password == nil else { return "must not carry a user or password" }
        guard !allowsLinkLocal else { return nil }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if Self.metadataHosts.contains(bare) { return "names a cloud metadata host" }
        if let address = try? SocketAddress(ipAddress: bare, port: 0), Self.isLinkLocal(address) {
            return "is a link-local address"
        }
        return nil
    }

    /// Why a send to `host` must not go ahead, from the addresses it resolves to now; nil when it may.
    public func refusal(ofResolvedHost host: String, port: Int) -> String? {
        guard !allowsLinkLocal else { return nil }
        guard let addresses = try? Self.resolve(host, port: port) else { return nil }
        return addresses.contains(where: Self.isLinkLocal) ? "resolves to a link-local address" : nil
    }

    /// Whether an address is link-local (IPv4 `169.254.0.0/16`, IPv6 `fe80::/10`), or the IPv6
    /// metadata address `fd00:ec2::254`, or an IPv4-mapped link-local address.
    static func isLinkLocal(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            let bytes = withUnsafeBytes(of: v4.address.sin_addr.s_addr) { Array($0) }
            return bytes[0] == 169 && bytes[1] == 254
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return true }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                return bytes[12] == 169 && bytes[13] == 254
            }
            let metadata: [UInt8] = [0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]
            return bytes == metadata
        default:
            return false
        }
    }

    private static func resolve(_ host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            if let pointer = entry.pointee.ai_addr {
                switch Int32(pointer.pointee.sa_family) {
                case AF_INET:
                    pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        addresses.append(SocketAddress($0.pointee, host: host))
                    }
                case AF_INET6:
                    pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        addresses.append(SocketAddress($0.pointee, host: host))
                    }
                default: break
                }
            }
            next = entry.pointee.ai_next
        }
        return addresses
    }
}

/// Where a syslog listener binds: `host:port`, `[v6]:port`, or a bare port on loopback.
public struct SyslogAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address to bind.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int

    /// Parses `host:port`, `[::1]:port` or `port`; nil when it is none of them.
    public init?(_ text: String) {
        let hostText: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            hostText = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            hostText = "127.0.0.1"
            portText = Substring(text)
        }
        guard !hostText.isEmpty, let port = Int(portText), (0...65_535).contains(port) else { return nil }
        host = String(hostText)
        self.port = port
    }

    /// `host:port`.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

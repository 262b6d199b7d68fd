/// The route of a request path, for grouping endpoints: the `http.route` attribute when the sender
/// gives one (OpenTelemetry's matched route), else the path with each segment that is an ID
/// replaced by `{id}`: a number, a UUID, or a hexadecimal string of 8 or more characters with a
/// digit (`/users/123/orders/9f1c2a7e` is `/users/{id}/orders/{id}`).
enum RouteTemplate {
    /// The route of `path`.
    static func route(of path: String) -> String {
        var route = ""
        route.reserveCapacity(path.utf8.count)
        for (index, segment) in path.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { route += "/" }
            route += isIdentifier(segment) ? "{id}" : segment
        }
        return route
    }

    private static func isIdentifier(_ segment: Substring) -> Bool {
        let bytes = segment.utf8
        guard !bytes.isEmpty else { return false }
        if bytes.allSatisfy(isDigit) { return true }
        if bytes.count == 36, isUUID(bytes) { return true }
        return bytes.count >= 8 && bytes.allSatisfy(isHex) && bytes.contains(where: isDigit)
    }

    private static func isUUID(_ bytes: Substring.UTF8View) -> Bool {
        for (index, byte) in bytes.enumerated() {
            let dash = index == 8 || index == 13 || index == 18 || index == 23
            guard dash ? byte == UInt8(ascii: "-") : isHex(byte) else { return false }
        }
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}

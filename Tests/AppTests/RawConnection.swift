import Foundation
import Glibc
import Testing

/// A blocking TCP connection to the loopback port, for clients that misbehave on purpose.
final class RawConnection: Sendable {
    let descriptor: Int32

    /// Connects to `port` on 127.0.0.1 from `source` (any loopback address; the kernel's choice when nil);
    /// with `receiveBufferBytes`, the socket's receive buffer is that small.
    init(port: Int, from source: String? = nil, receiveTimeoutSeconds: Int = 10, receiveBufferBytes: Int32? = nil)
        throws
    {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var bytes = receiveBufferBytes {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bytes, socklen_t(MemoryLayout<Int32>.size))
        }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            try #require(bound == 0, "cannot bind to \(source)")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0, "cannot connect to 127.0.0.1:\(port)")
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) {
        _ = text.withCString { Glibc.send(descriptor, $0, strlen($0), 0) }
    }

    /// What one read returns (at least the start of an answer), or nil when nothing comes for 10 s.
    func readSome() async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [descriptor] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                let count = receiveRestarting(descriptor, &buffer)
                continuation.resume(returning: count < 0 ? nil : String(decoding: buffer[0..<count], as: UTF8.self))
            }
        }
    }

    /// What the server sends until it closes the connection, or nil when it stays open for 10 s.
    /// The blocking reads run on a Dispatch thread, never on one of the few cooperative threads.
    func readUntilClosed() async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [descriptor] in
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = receiveRestarting(descriptor, &buffer)
                    // A server that closes with bytes of ours unread resets the connection: closed all the same.
                    if count < 0 {
                        let reset = errno == ECONNRESET
                        return continuation.resume(returning: reset ? String(decoding: received, as: UTF8.self) : nil)
                    }
                    if count == 0 {
                        return continuation.resume(returning: String(decoding: received, as: UTF8.self))
                    }
                    received += buffer[0..<count]
                }
            }
        }
    }

    /// Closes the connection as a client that gives up does (the server reads an end of input).
    func hangUp() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    deinit { close(descriptor) }
}

/// One `recv`, repeated when a signal interrupts it: with `SO_RCVTIMEO` set, the kernel does not restart
/// it even under `SA_RESTART`, and the test process gets `SIGCHLD` whenever a server it started exits.
private func receiveRestarting(_ descriptor: Int32, _ buffer: inout [UInt8]) -> Int {
    while true {
        let count = recv(descriptor, &buffer, buffer.count, 0)
        if count >= 0 || errno != EINTR { return count }
    }
}

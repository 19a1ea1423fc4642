import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on 127.0.0.1 that cuts one streaming reply: on the first connection that
/// carries a `SendStreamingMessage` request, once the reply has contained `marker`, it closes
/// the client's side, while it keeps reading the server's side so the server never notices
/// (its task goes on, and a re-attach can find it). Threads, not tasks: blocking socket I/O.
final class CuttingProxy: Sendable {
    let port: Int
    private let listener: Int32
    private let marker: [UInt8]
    private let state = Mutex(State())

    private struct State {
        var cut = false
        var closed = false
        var sockets: [Int32] = []
        var target = 0
    }

    var didCut: Bool { state.withLock { $0.cut } }

    init(marker: String) throws {
        self.marker = Array(marker.utf8)
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.address(port: 0)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        var actual = sockaddr_in()
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        port = Int(UInt16(bigEndian: actual.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Where connections go (set once the server behind runs: it needs the proxy's URL first).
    func setTarget(port: Int) {
        state.withLock { $0.target = port }
    }

    static func address(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }

    private var targetPort: Int { state.withLock { $0.target } }

    func close() {
        let sockets = state.withLock { s -> [Int32] in
            s.closed = true
            return s.sockets
        }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = Self.address(port: targetPort)
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            if ok != 0 {
                Glibc.close(client)
                Glibc.close(server)
                continue
            }
            state.withLock { $0.sockets += [client, server] }
            let armed = Mutex(false)
            let upstream = Thread { [self] in
                pump(from: client, to: server) { bytes in
                    if String(decoding: bytes, as: UTF8.self).contains("SendStreamingMessage"), !self.state.withLock({ $0.cut }) {
                        armed.withLock { $0 = true }
                    }
                    return true
                }
                shutdown(server, Int32(SHUT_WR))
            }
            let downstream = Thread { [self] in
                var seen: [UInt8] = []
                var clientOpen = true
                pump(from: server, to: client) { bytes in
                    guard clientOpen else { return false }
                    if armed.withLock({ $0 }) {
                        seen += bytes
                        if seen.count > 65536 { seen.removeFirst(seen.count - 65536) }
                        if Self.contains(seen, marker) {
                            let first = state.withLock { s -> Bool in
                                defer { s.cut = true }
                                return !s.cut
                            }
                            if first {
                                // Forward this piece, then cut the client off; keep draining the server.
                                _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                                shutdown(client, Int32(SHUT_RDWR))
                                clientOpen = false
                                return false
                            }
                        }
                    }
                    return true
                }
                if clientOpen { shutdown(client, Int32(SHUT_WR)) }
            }
            upstream.start()
            downstream.start()
        }
    }

    /// Copies `from` to `to` until EOF; `filter` may stop forwarding (but reading goes on).
    private func pump(from: Int32, to: Int32, filter: ([UInt8]) -> Bool) {
        var buffer = [UInt8](repeating: 0, count: 16384)
        var forwarding = true
        while true {
            let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            let bytes = Array(buffer[0..<n])
            if forwarding {
                forwarding = filter(bytes)
                if forwarding {
                    var offset = 0
                    while offset < n {
                        let w = bytes.withUnsafeBytes { send(to, $0.baseAddress! + offset, n - offset, Int32(MSG_NOSIGNAL)) }
                        if w <= 0 { forwarding = false; break }
                        offset += w
                    }
                }
            }
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return true }
        }
        return false
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Blocking loopback TCP for requests no HTTP client sends: truncated heads and bodies,
/// connections dropped mid-request or mid-stream. Every read and write is bounded by a
/// socket timeout.
enum RawHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects to 127.0.0.1:`port`, writes `bytes`, optionally reads up to `readBytes` (or
    /// until the server closes), then closes. Returns what was read.
    @discardableResult
    static func exchange(port: Int, _ bytes: [UInt8], readBytes: Int = 0, timeoutSeconds: Int = 10) throws -> [UInt8] {
        let fd = try connect(port: port, timeoutSeconds: timeoutSeconds)
        defer { close(fd) }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }  // the server closed: fine, it may refuse early
            sent += n
        }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while out.count < readBytes {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    /// A connected loopback socket whose reads and writes time out after `timeoutSeconds`;
    /// the caller closes it.
    static func connect(port: Int, timeoutSeconds: Int = 10) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect() failed: \(errno)")
        }
        return fd
    }

    /// An HTTP/1.1 POST head.
    static func head(path: String, contentLength: Int?, extra: [String] = []) -> String {
        var lines = ["POST \(path) HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
        if let contentLength { lines.append("Content-Length: \(contentLength)") } else { lines.append("Transfer-Encoding: chunked") }
        lines += extra
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }
}

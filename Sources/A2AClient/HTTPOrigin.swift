import Foundation

/// The origin of a URL: scheme, host and port (RFC 6454), with the scheme's default port
/// filled in, so `http://a:80/x` and `http://A/` are the same origin.
///
/// ``A2AClient`` sends its configured headers (e.g. `Authorization`) only to the origin of the
/// URL it was created with.
public struct HTTPOrigin: Sendable, Hashable {
    /// `http` or `https` (lowercased).
    public var scheme: String
    /// The host, lowercased.
    public var host: String
    /// The port, explicit or the scheme's default.
    public var port: Int

    /// The origin of `url`, or `nil` when it has no scheme or host.
    public init?(_ url: String) {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), let host = c.host?.lowercased(), !host.isEmpty else {
            return nil
        }
        let port = c.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        guard port >= 0 else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// `scheme://host:port`.
    public var serialized: String { "\(scheme)://\(host):\(port)" }
}

import A2A

/// How an ``A2AClient`` talks to one agent.
public struct A2AClientConfiguration: Sendable {
    /// Which dialect to speak. `nil` chooses from the agent card (`auto`).
    public var dialect: ProtocolDialect?
    /// Extra HTTP headers sent on every request to this agent (e.g. `Authorization`) — only to
    /// the origin (scheme, host, port) of the client's URL: a card that advertises an interface
    /// on another origin gets requests without them (``HTTPOrigin``). Redirects are never
    /// followed.
    public var headers: [(name: String, value: String)]
    /// The longest silence allowed while waiting for a response or for the next bytes of a
    /// stream. Any byte resets it, keep-alive comments included.
    public var idleTimeout: Duration
    /// The largest non-streaming response body accepted.
    public var maxResponseBytes: Int
    /// The largest single stream event accepted.
    public var maxEventBytes: Int

    /// Creates a configuration.
    public init(
        dialect: ProtocolDialect? = nil,
        headers: [(name: String, value: String)] = [],
        idleTimeout: Duration = .seconds(60),
        maxResponseBytes: Int = 64 * 1024 * 1024,
        maxEventBytes: Int = 16 * 1024 * 1024
    ) {
        self.dialect = dialect
        self.headers = headers
        self.idleTimeout = idleTimeout
        self.maxResponseBytes = maxResponseBytes
        self.maxEventBytes = maxEventBytes
    }
}

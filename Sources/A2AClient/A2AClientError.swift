import A2A

/// A call to an agent that failed: which URL, which method, and what came back.
public struct A2AClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable {
        /// The agent could not be reached (connection refused, DNS, TLS…).
        case unreachable(String)
        /// The connection broke before the response or stream ended.
        case connectionLost(String)
        /// Nothing arrived for longer than the idle bound.
        case idleTimeout(Duration)
        /// The agent answered with an HTTP error status.
        case httpStatus(Int, body: String)
        /// The agent answered with a JSON-RPC error.
        case rpc(JSONRPCError)
        /// A stream carried an error event.
        case streamError(String, code: Int?)
        /// The reply is not what the protocol says.
        case invalidResponse(String)
        /// The agent does not offer what was asked.
        case unsupported(String)
        /// No agent card could be found or read.
        case noAgentCard(String)
    }

    /// The URL the request went to.
    public var url: String
    /// The JSON-RPC method or HTTP operation (`GET agent card`, `SendStreamingMessage`, …).
    public var method: String
    /// What went wrong.
    public var kind: Kind

    public init(url: String, method: String, kind: Kind) {
        self.url = url
        self.method = method
        self.kind = kind
    }

    /// The JSON-RPC error, if the agent answered with one.
    public var rpcError: JSONRPCError? {
        if case .rpc(let e) = kind { return e }
        return nil
    }

    /// One line for a person: what was asked of whom, and what came back.
    public var description: String {
        "\(method) \(url): \(reason)"
    }

    /// What came back, without the URL and method.
    public var reason: String {
        switch kind {
        case .unreachable(let why): "cannot reach the agent: \(why)"
        case .connectionLost(let why): "the connection closed before the reply ended (\(why))"
        case .idleTimeout(let d): "no data from the agent for \(Self.format(d)); giving up"
        case .httpStatus(let status, let body):
            body.isEmpty ? "the agent answered HTTP \(status)" : "the agent answered HTTP \(status): \(body)"
        case .rpc(let e): "the agent answered with an error: \(e)"
        case .streamError(let message, let code):
            code.map { "the agent reported an error mid-stream: \(message) (code \($0))" } ?? "the agent reported an error mid-stream: \(message)"
        case .invalidResponse(let why): "unexpected reply: \(why)"
        case .unsupported(let why): why
        case .noAgentCard(let why): why
        }
    }

    static func format(_ d: Duration) -> String {
        let (s, atto) = d.components
        let ms = s * 1000 + atto / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}

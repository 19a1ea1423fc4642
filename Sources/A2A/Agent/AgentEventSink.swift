/// Where an agent's events go: the server's per-task run, or an in-process consumer.
public protocol AgentEventSink: Sendable {
    /// Delivers one event. Suspends while consumers are behind (backpressure); throws when the
    /// event can no longer be delivered (for example, the task was cancelled).
    func send(_ event: StreamResponse) async throws
}

/// A sink that hands each event to a closure; for tests and simple in-process use.
public struct ClosureEventSink: AgentEventSink {
    private let body: @Sendable (StreamResponse) async throws -> Void

    /// Creates a sink that calls `body` for each event, in order.
    public init(_ body: @escaping @Sendable (StreamResponse) async throws -> Void) {
        self.body = body
    }

    public func send(_ event: StreamResponse) async throws {
        try await body(event)
    }
}

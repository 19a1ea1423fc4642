/// Runs `operation` for at most `timeout`: its result, or `nil` when the time ran out first
/// (the operation is then cancelled and awaited). Cancelling the caller cancels both: it
/// throws `CancellationError`, or returns what the operation returned if it ended first.
public func withTimeout<T: Sendable>(
    _ timeout: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}

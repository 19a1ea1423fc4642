import A2A

extension A2AClient {
    /// Follows a task whose stream ended before the task did, until it settles (a2a-wire.md §4.2).
    ///
    /// On A2A 1.0 it re-attaches with `SubscribeToTask`, whose first event is a snapshot of the
    /// task, so nothing produced between the drop and the re-attach is lost. On A2A 0.3 it polls
    /// `GetTask` instead (every `pollInterval`): a2a-sdk 0.3.26's `tasks/resubscribe` sends no
    /// snapshot and, while a second consumer listens, stores every later chunk twice
    /// (docs/interop.md). Snapshots repeat text already seen: feed every event to an
    /// ``ArtifactTextTracker`` to get each piece of text exactly once.
    ///
    /// The sequence ends when the task reaches a terminal or interrupted state (or the agent
    /// answers with a message). On 1.0 it gives up after `attempts` re-attaches that did not
    /// settle the task, throwing the last error (or `initialError`), or ending if there was
    /// none; on 0.3 it throws when a polled task does not change for the client's idle bound.
    ///
    /// - Parameters:
    ///   - taskId: the task to follow.
    ///   - attempts: how many times to re-subscribe on 1.0.
    ///   - pollInterval: the pause between `GetTask` calls on 0.3.
    ///   - initialError: the error that ended the original stream, thrown if following fails
    ///     without an error of its own.
    public func follow(taskId: String, attempts: Int = 3, pollInterval: Duration = .milliseconds(250), initialError: (any Error)? = nil) -> TaskFollower {
        TaskFollower(client: self, taskId: taskId, attempts: attempts, pollInterval: pollInterval, initialError: initialError)
    }
}

/// The events of a task followed after its stream dropped; see
/// ``A2AClient/follow(taskId:attempts:pollInterval:initialError:)``.
///
/// Pull-driven: nothing is requested until the next event is asked for, so a slow consumer
/// slows the polling and the subscription alike.
public struct TaskFollower: AsyncSequence, Sendable {
    public typealias Element = StreamResponse

    let client: A2AClient
    let taskId: String
    let attempts: Int
    let pollInterval: Duration
    let initialError: (any Error)?

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(follower: self)
    }

    /// Iterates the events.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let follower: TaskFollower
        var dialect: ProtocolDialect?
        var settled = false
        var finished = false
        var lastError: (any Error)?
        // 1.0: the current subscription and how many were opened.
        var subscription: A2AEventStream.AsyncIterator?
        var subscriptions = 0
        // 0.3: what the last poll saw, and when it last changed.
        var lastSeen: (state: TaskState?, bytes: Int) = (nil, -1)
        var lastChange = ContinuousClock.now
        var polled = false

        init(follower: TaskFollower) {
            self.follower = follower
            self.lastError = follower.initialError
        }

        public mutating func next() async throws -> StreamResponse? {
            guard !finished else { return nil }
            if settled {
                finished = true
                return nil
            }
            let client = follower.client
            if dialect == nil {
                do {
                    dialect = try await client.endpoint().dialect
                } catch {
                    finished = true
                    throw error
                }
            }
            do {
                let event = dialect == .v1_0 ? try await nextBySubscribing() : try await nextByPolling()
                if let event { note(event) } else { finished = true }
                return event
            } catch {
                finished = true
                throw error
            }
        }

        mutating func note(_ event: StreamResponse) {
            if case .message = event { settled = true }
            if let state = event.state, state.endsStream { settled = true }
        }

        mutating func nextByPolling() async throws -> StreamResponse? {
            let client = follower.client
            while true {
                if polled { try await Task.sleep(for: follower.pollInterval) }
                polled = true
                let task = try await client.getTask(id: follower.taskId)
                let seen = (task.status.state, task.artifacts.reduce(0) { $0 + $1.text.utf8.count })
                if task.status.state.endsStream || seen.0 != lastSeen.state || seen.1 != lastSeen.bytes {
                    lastSeen = (seen.0, seen.1)
                    lastChange = .now
                    return .task(task)
                }
                if ContinuousClock.now - lastChange > client.configuration.idleTimeout {
                    throw lastError ?? A2AClientError(url: client.url, method: "GetTask", kind: .idleTimeout(client.configuration.idleTimeout))
                }
            }
        }

        mutating func nextBySubscribing() async throws -> StreamResponse? {
            let client = follower.client
            while true {
                if subscription == nil {
                    guard subscriptions < follower.attempts else {
                        if let lastError { throw lastError }
                        return nil
                    }
                    subscriptions += 1
                    subscription = client.subscribe(taskId: follower.taskId).makeAsyncIterator()
                }
                do {
                    if let event = try await subscription!.next() { return event }
                    subscription = nil
                    if settled { return nil }
                } catch let error as A2AClientError {
                    subscription = nil
                    if let rpc = error.rpcError, rpc.code == JSONRPCError.unsupportedOperationCode {
                        // Subscribing to a finished task is refused: read it instead.
                        return .task(try await client.getTask(id: follower.taskId))
                    }
                    lastError = error
                }
            }
        }
    }
}

import A2A
import ServiceLifecycle
import Synchronization

/// Owns the agents' executions: every task run is a child task of ``run()``, so a run can
/// outlive the request that started it (`returnImmediately`, a resubscribed stream) and still
/// belongs to the server's structured task tree.
final class TaskRunner: Service, Sendable {
    private let jobs: AsyncStream<TaskRun>
    private let continuation: AsyncStream<TaskRun>.Continuation
    private let accepting = Mutex(true)

    init() {
        (jobs, continuation) = AsyncStream.makeStream(of: TaskRun.self)
    }

    /// Starts a run; `false` when the runner is shutting down.
    func submit(_ run: TaskRun) -> Bool {
        accepting.withLock { open in
            guard open else { return false }
            if case .terminated = continuation.yield(run) { return false }
            return true
        }
    }

    /// Refuses new runs; running ones go on until they end (the manager cancels them).
    func refuse() {
        accepting.withLock { $0 = false }
    }

    /// Refuses new runs and ends ``run()`` once the running ones have ended.
    func stopAccepting() {
        accepting.withLock { open in
            open = false
            continuation.finish()
        }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await run in jobs {
                    group.addTask { await run.execute() }
                }
            }
        } onGracefulShutdown: {
            self.stopAccepting()
        }
    }
}

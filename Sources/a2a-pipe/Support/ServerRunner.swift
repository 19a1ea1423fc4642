import A2ASQLiteStore
import A2AServer
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs a served agent (`serve`, `agent`) until SIGINT or SIGTERM: the durable store's writer
/// (if any) starts first and stops last, after the server's runs have settled; the banner is
/// printed once the server listens; `cleanup` runs on every way out, then the store closes.
///
/// Every wait is bounded: a bind failure ends the run at once (exit 2, one line), a graceful
/// shutdown that overruns ``shutdownLimit`` is cancelled, and a second signal exits at once.
enum ServerRunner {
    /// How long the runs may take to settle after SIGINT/SIGTERM before they are cancelled.
    static let shutdownLimit: Duration = .seconds(10)
    /// How long cancelled services get to return before the group gives up on them.
    static let cancellationLimit: Duration = .seconds(5)

    static func run(
        _ server: A2AServer, durable: SQLiteTaskStore?, logger: Logger,
        banner: @escaping @Sendable (_ port: Int) -> String,
        cleanup: () async -> Void = {}
    ) async throws {
        let services: [any Service] = (durable.map { [$0] } ?? []) + [server]
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigint, .sigterm], logger: logger)
        configuration.maximumGracefulShutdownDuration = shutdownLimit
        configuration.maximumCancellationDuration = cancellationLimit
        let group = ServiceGroup(configuration: configuration)
        let forcedExit = ForcedExit.arm()
        defer { forcedExit.disarm() }
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    do {
                        let port = try await server.waitUntilRunning()
                        Terminal.err(banner(port))
                    } catch is A2AServerStopped {
                        // A signal during start-up: the group ends on its own.
                    }
                }
                try await tasks.waitForAll()
            }
        } catch {
            await cleanup()
            await durable?.close()
            if let bind = server.bindFailure {
                Terminal.error("error: \(bind)")
                throw ExitCode(2)
            }
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
        await cleanup()
        await durable?.close()
        Terminal.err("stopped\n")
    }
}

/// The second SIGINT or SIGTERM ends the process at once, whatever it is waiting on: the first
/// one asks for a graceful shutdown (the service group handles it), the second is the user
/// saying they will not wait for it.
struct ForcedExit {
    private let watch: SignalWatch

    static func arm() -> ForcedExit {
        let count = Counter()
        return ForcedExit(watch: SignalWatch { _, n in
            if count.increment(by: n) >= 2 {
                Terminal.err("\nforced exit\n")
                exit(130)
            }
            Terminal.err("stopping (the runs are canceled; press Ctrl-C again to quit at once)\n")
        })
    }

    func disarm() { watch.cancel() }

    private final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func increment(by n: Int) -> Int { value.add(n, ordering: .relaxed).newValue }
    }
}

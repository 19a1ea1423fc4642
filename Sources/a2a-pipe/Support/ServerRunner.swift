import A2ASQLiteStore
import A2AServer
import ArgumentParser
import Logging
import ServiceLifecycle

/// Runs a served agent (`serve`, `agent`) until SIGINT or SIGTERM: the durable store's writer
/// (if any) starts first and stops last, after the server's runs have settled; the banner is
/// printed once the server listens; `cleanup` runs on every way out, then the store closes.
enum ServerRunner {
    static func run(
        _ server: A2AServer, durable: SQLiteTaskStore?, logger: Logger,
        banner: @escaping @Sendable (_ port: Int) -> String,
        cleanup: () async -> Void = {}
    ) async throws {
        let services: [any Service] = (durable.map { [$0] } ?? []) + [server]
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    let port = try await server.waitUntilRunning()
                    Terminal.err(banner(port))
                }
                try await tasks.waitForAll()
            }
        } catch {
            await cleanup()
            await durable?.close()
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
        await cleanup()
        await durable?.close()
        Terminal.err("stopped\n")
    }
}

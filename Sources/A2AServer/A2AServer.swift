import A2A
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Serves one ``AgentExecutor`` over A2A 1.0 and 0.3 JSON-RPC (one URL, dispatched by method
/// name), with SSE streaming, a task store, and python-a2a's legacy routes.
///
/// Run it as a `Service` under swift-service-lifecycle:
/// ```swift
/// let server = A2AServer(agent: EchoAgent(), card: card, configuration: .init(port: 9000))
/// let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
/// try await group.run()
/// ```
/// On graceful shutdown the server refuses new tasks, cancels the running ones (their open
/// streams end with a canceled state) and then stops. ``makeRouter()`` and
/// ``makeApplication()`` expose the Hummingbird pieces for `HummingbirdTesting`.
/// See docs/server.md for the routes, the error table and the rules.
public final class A2AServer: Service, Sendable {
    /// The configuration.
    public let configuration: A2AServerConfiguration
    let manager: TaskManager
    let cardEndpoint: AgentCardEndpoint
    let runner: TaskRunner
    let logger: Logger
    private let rpc: JSONRPCHandler
    private let legacy: PythonA2AHandler

    private struct Binding {
        var port: Int?
        var waiters: [CheckedContinuation<Int, Never>] = []
    }

    private let binding = Mutex(Binding())

    /// Creates a server for an agent.
    /// - Parameters:
    ///   - agent: the agent to serve.
    ///   - card: the agent's card; the server fills in its interfaces (1.0 and 0.3 JSON-RPC at
    ///     its URL) and capabilities (streaming, no push notifications, the progress extension).
    ///   - store: where tasks are kept; default a bounded ``InMemoryTaskStore``.
    public init(
        agent: any AgentExecutor, card: AgentCard, configuration: A2AServerConfiguration = A2AServerConfiguration(),
        store: (any TaskStore)? = nil, logger: Logger = Logger(label: "a2a-pipe.server")
    ) {
        self.configuration = configuration
        self.logger = logger
        let store = store ?? InMemoryTaskStore(maxTasks: configuration.maxStoredTasks, finishedTaskTTL: configuration.finishedTaskTTL)
        runner = TaskRunner()
        manager = TaskManager(executor: agent, store: store, runner: runner, configuration: configuration)
        cardEndpoint = AgentCardEndpoint(template: card, cacheControl: configuration.cardCacheControl, requiresBearerToken: configuration.authentication != nil)
        legacy = PythonA2AHandler(
            manager: manager,
            deduplicator: MessageDeduplicator(window: configuration.legacyDeduplicationWindow, capacity: configuration.legacyDeduplicationCapacity),
            configuration: configuration)
        rpc = JSONRPCHandler(manager: manager, legacy: legacy, configuration: configuration)
        if let url = configuration.publicURL {
            cardEndpoint.setURL(url)
        } else if configuration.port != 0 {
            cardEndpoint.setURL("http://\(configuration.host):\(configuration.port)/")
        }
    }

    /// The card as served (interfaces at the bound URL once the server runs).
    public var card: AgentCard { cardEndpoint.card }

    /// The port the server is bound to, once it runs.
    public var port: Int? { binding.withLock { $0.port } }

    /// The server's base URL, once it runs.
    public var url: String? {
        port.map { configuration.publicURL ?? "http://\(configuration.host):\($0)/" }
    }

    /// The number of tasks whose runs have not settled.
    public var activeTaskCount: Int { manager.activeCount }

    /// Waits until the server is bound and returns the port (useful with port 0).
    /// - Throws: `CancellationError` if cancelled first, ``A2AServerStartTimeout`` after `timeout`.
    public func waitUntilRunning(timeout: Duration = .seconds(30)) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Int, Never>) in
                    let port = self.binding.withLock { b -> Int? in
                        if let p = b.port { return p }
                        b.waiters.append(c)
                        return nil
                    }
                    if let port { c.resume(returning: port) }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw A2AServerStartTimeout()
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func bound(_ channel: any Channel) {
        let port = channel.localAddress?.port ?? configuration.port
        if configuration.publicURL == nil {
            cardEndpoint.setURL("http://\(configuration.host):\(port)/")
        }
        let waiters = binding.withLock { b in
            b.port = port
            defer { b.waiters.removeAll() }
            return b.waiters
        }
        for w in waiters { w.resume(returning: port) }
        logger.info("A2A server listening", metadata: ["url": "\(url ?? "")"])
    }

    /// The router with every route (card, JSON-RPC, python-a2a, and the configuration's
    /// ``A2AServerConfiguration/staticResources``).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        if logger.logLevel <= .debug {
            // Every request with its headers, credentials redacted (`***`), before auth so
            // refused requests are logged too.
            router.add(middleware: LogRequestsMiddleware(
                .debug, includeHeaders: .all(), redactHeaders: [.authorization, .proxyAuthorization, .cookie]))
        }
        if let tokens = configuration.authentication {
            // Before the routes: Hummingbird builds each route's responder with the middleware
            // added so far (and the not-found responder too, so unknown paths need a token as well).
            // The static documents (the web page) are public like the card: they hold no data.
            let publicPaths = PublicPaths(configuration.publicPaths + configuration.staticResources.map(\.path))
            router.add(middleware: AuthenticationMiddleware(tokens: tokens, publicPaths: publicPaths))
        }
        let card = cardEndpoint
        for path in PublicPaths.cardPaths {
            router.get(RouterPath(path)) { request, _ in card.respond(request) }
        }
        let rpc = self.rpc
        let legacy = self.legacy
        for path in ["/", "/a2a"] {
            router.post(RouterPath(path)) { request, _ in await rpc.handle(request) }
        }
        for prefix in ["", "/a2a"] {
            router.post(RouterPath(prefix + "/stream")) { request, _ in await legacy.stream(request) }
            router.post(RouterPath(prefix + "/tasks/send")) { request, _ in await legacy.tasksSend(request) }
            router.post(RouterPath(prefix + "/tasks/get")) { request, _ in await legacy.tasksGetOrCancel(request, cancel: false) }
            router.post(RouterPath(prefix + "/tasks/cancel")) { request, _ in await legacy.tasksGetOrCancel(request, cancel: true) }
            router.post(RouterPath(prefix + "/tasks/stream")) { request, _ in await legacy.tasksStream(request) }
        }
        router.post("/a2a/a2a/tasks/send") { request, _ in await legacy.tasksSend(request) }
        router.get("/a2a/health") { _, _ in HTTPResponses.json(["status": "ok"]) }
        for resource in configuration.staticResources {
            router.get(RouterPath(resource.path)) { _, _ in resource.response() }
        }
        return router
    }

    /// The Hummingbird application: the router, bound per the configuration, with the task
    /// runner as one of its services.
    public func makeApplication() -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil),
            services: [runner],
            onServerRunning: { [weak self] channel in self?.bound(channel) },
            logger: logger)
    }

    /// Runs the server until it is cancelled or shut down gracefully.
    public func run() async throws {
        let app = makeApplication()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await app.run()
                return true
            }
            group.addTask {
                do {
                    try await gracefulShutdown()
                } catch {
                    return false
                }
                await self.manager.shutdown()
                return false
            }
            while let appEnded = try await group.next() {
                if appEnded { group.cancelAll() }
            }
        }
    }
}

/// The server did not start listening in time.
public struct A2AServerStartTimeout: Error, CustomStringConvertible {
    public var description: String { "the A2A server did not start listening in time" }
}

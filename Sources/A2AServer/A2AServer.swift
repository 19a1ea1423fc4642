import A2A
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// The listening socket's lifecycle: waiters park in `.starting` and are all resumed on the
    /// way out of it, whether the server binds, fails to bind, or stops first.
    private enum Binding {
        case starting(waiters: [UInt64: CheckedContinuation<Int, any Error>], nextID: UInt64)
        case listening(port: Int)
        case failed(any Error)
        case stopped
    }

    private let binding = Mutex(Binding.starting(waiters: [:], nextID: 0))

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
        let store = store ?? InMemoryTaskStore(
            maxTasks: configuration.maxStoredTasks, finishedTaskTTL: configuration.finishedTaskTTL, maxFinishedBytes: configuration.maxStoredBytes)
        runner = TaskRunner()
        manager = TaskManager(executor: agent, store: store, runner: runner, configuration: configuration)
        cardEndpoint = AgentCardEndpoint(template: card, cacheControl: configuration.cardCacheControl, requiresBearerToken: configuration.authentication != nil)
        legacy = PythonA2AHandler(
            manager: manager,
            deduplicator: MessageDeduplicator(window: configuration.legacyDeduplicationWindow, capacity: configuration.legacyDeduplicationCapacity),
            configuration: configuration)
        rpc = JSONRPCHandler(manager: manager, legacy: legacy, configuration: configuration, logger: logger)
        if let url = configuration.publicURL {
            cardEndpoint.setURL(url)
        } else if configuration.port != 0 {
            cardEndpoint.setURL("http://\(configuration.host):\(configuration.port)/")
        }
    }

    /// The card as served (interfaces at the bound URL once the server runs).
    public var card: AgentCard { cardEndpoint.card }

    /// The port the server is bound to, once it runs.
    public var port: Int? {
        binding.withLock { b in
            if case .listening(let port) = b { return port }
            return nil
        }
    }

    /// Why the server could not listen, if it could not.
    public var bindFailure: A2AServerBindError? {
        binding.withLock { b in
            if case .failed(let error as A2AServerBindError) = b { return error }
            return nil
        }
    }

    /// The server's base URL, once it runs.
    public var url: String? {
        port.map { configuration.publicURL ?? "http://\(configuration.host):\($0)/" }
    }

    /// The number of tasks whose runs have not settled.
    public var activeTaskCount: Int { manager.activeCount }

    /// Waits until the server is bound and returns the port (useful with port 0).
    /// - Throws: the bind error (``A2AServerBindError``) if the server cannot listen,
    ///   ``A2AServerStartTimeout`` after `timeout`, ``A2AServerStopped`` if it stopped before it
    ///   listened, `CancellationError` if cancelled first.
    public func waitUntilRunning(timeout: Duration = .seconds(30)) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await self.waitForBinding() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw A2AServerStartTimeout()
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Parks until the binding leaves `.starting`; cancellation resumes the waiter at once.
    private func waitForBinding() async throws -> Int {
        let id = binding.withLock { b -> UInt64 in
            guard case .starting(let waiters, let next) = b else { return 0 }
            b = .starting(waiters: waiters, nextID: next + 1)
            return next
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Int, any Error>) in
                let result = binding.withLock { b -> Result<Int, any Error>? in
                    switch b {
                    case .starting(var waiters, let next):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = c
                        b = .starting(waiters: waiters, nextID: next)
                        return nil
                    case .listening(let port): return .success(port)
                    case .failed(let error): return .failure(error)
                    case .stopped: return .failure(A2AServerStopped())
                    }
                }
                if let result { c.resume(with: result) }
            }
        } onCancel: {
            let waiter = binding.withLock { b -> CheckedContinuation<Int, any Error>? in
                guard case .starting(var waiters, let next) = b else { return nil }
                let w = waiters.removeValue(forKey: id)
                b = .starting(waiters: waiters, nextID: next)
                return w
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Leaves `.starting` (only once) and resumes every waiter with the outcome.
    private func settleBinding(_ outcome: Binding) {
        let waiters = binding.withLock { b -> [CheckedContinuation<Int, any Error>] in
            guard case .starting(let waiters, _) = b else {
                if case .listening = b, case .stopped = outcome { b = .stopped }
                return []
            }
            b = outcome
            return Array(waiters.values)
        }
        for w in waiters {
            switch outcome {
            case .listening(let port): w.resume(returning: port)
            case .failed(let error): w.resume(throwing: error)
            case .stopped, .starting: w.resume(throwing: A2AServerStopped())
            }
        }
    }

    private func bound(_ channel: any Channel) {
        let port = channel.localAddress?.port ?? configuration.port
        if configuration.publicURL == nil {
            cardEndpoint.setURL("http://\(configuration.host):\(port)/")
        }
        settleBinding(.listening(port: port))
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
                do {
                    try await app.run()
                } catch {
                    // Hummingbird throws from `run` when the socket cannot be bound; waiters
                    // learn why instead of waiting for a port that never comes.
                    let bindError = self.port == nil ? A2AServerBindError(host: self.configuration.host, port: self.configuration.port, underlying: error) : nil
                    if let bindError { self.settleBinding(.failed(bindError)) }
                    self.settleBinding(.stopped)
                    throw bindError ?? error
                }
                self.settleBinding(.stopped)
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

/// The server could not listen on its host and port: the port is taken, the address is not
/// this machine's, or the host name does not resolve.
public struct A2AServerBindError: Error, CustomStringConvertible {
    /// The host and port the server tried.
    public let host: String
    public let port: Int
    /// The error from the socket layer.
    public let underlying: any Error

    /// What went wrong, said for a person.
    public var reason: String {
        if let io = underlying as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: return "address already in use; pick another --port"
            case EADDRNOTAVAIL: return "the address is not one of this machine's; pick another --host"
            case EACCES: return "permission denied (ports below 1024 need privileges); pick another --port"
            default: return "\(io)"
            }
        }
        if underlying is SocketAddressError.UnknownHost {
            return "the host name does not resolve; pick another --host"
        }
        if let address = underlying as? SocketAddressError, case .unknown = address {
            return "the host name does not resolve; pick another --host"
        }
        return "\(underlying)"
    }

    public var description: String { "cannot listen on \(host):\(port): \(reason)" }
}

/// The server stopped before it listened.
public struct A2AServerStopped: Error, CustomStringConvertible {
    public var description: String { "the A2A server stopped before it started listening" }
}

/// The server did not start listening in time.
public struct A2AServerStartTimeout: Error, CustomStringConvertible {
    public var description: String { "the A2A server did not start listening in time" }
}

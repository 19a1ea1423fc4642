import A2A
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A client for one A2A agent, whichever dialect it speaks: A2A 1.0, A2A 0.3 or python-a2a.
///
/// The client finds the agent's card, chooses a dialect from it (or uses the one configured),
/// and falls back once from 1.0 to 0.3 when the agent says it does not know a 1.0 method
/// (a2a-wire.md §1.4); the choice is remembered for later calls. Every error says which URL,
/// which method, and what came back (``A2AClientError``).
///
/// ```swift
/// let client = A2AClient(url: "http://127.0.0.1:9000")
/// for try await event in client.stream(.user("hello")) {
///     if case .artifactUpdate(let chunk) = event { print(chunk.artifact.text, terminator: "") }
/// }
/// ```
public final class A2AClient: Sendable {
    /// The URL the client was created with (an agent's base URL or its card's URL).
    public let url: String
    /// How the client talks to the agent.
    public let configuration: A2AClientConfiguration

    let transport: HTTPTransport
    let logger: Logger
    private let state = Mutex(State())

    struct State {
        var card: DiscoveredCard?
        var endpoint: A2AEndpoint?
    }

    /// Creates a client. Nothing is sent until the first call.
    /// - Parameters:
    ///   - url: the agent's base URL, or the URL of its card (ending in `.json`).
    ///   - configuration: dialect, headers, idle bound.
    ///   - httpClient: the HTTP client to use; by default a shared one that does not follow redirects.
    public init(url: String, configuration: A2AClientConfiguration = .init(), httpClient: HTTPClient? = nil, logger: Logger = Logger(label: "a2a-pipe.client")) {
        self.url = url
        self.configuration = configuration
        self.transport = HTTPTransport(http: httpClient ?? HTTPTransport.sharedHTTPClient, configuration: configuration, agentURL: url)
        self.logger = logger
    }

    // MARK: Card and dialect

    /// The agent's card, normalised whichever version served it. Cached; revalidated with its
    /// ETag once its `max-age` has passed.
    public func card() async throws -> AgentCard {
        try await discoveredCard().card
    }

    func discoveredCard() async throws -> DiscoveredCard {
        let cached = state.withLock { $0.card }
        if let cached, cached.expires.map({ $0 > .now }) ?? true {
            return cached
        }
        let fresh = try await CardDiscovery.fetch(baseURL: url, transport: transport, previous: cached)
        state.withLock { state in
            if let old = state.card, old.card != fresh.card { state.endpoint = nil }  // re-probe on change
            state.card = fresh
        }
        return fresh
    }

    /// The URL and dialect this client uses, chosen from the card on first use.
    public func endpoint() async throws -> A2AEndpoint {
        if let endpoint = state.withLock({ $0.endpoint }), state.withLock({ $0.card?.expires.map { $0 > .now } ?? true }) {
            return endpoint
        }
        let chosen: A2AEndpoint
        do {
            let discovered = try await discoveredCard()
            guard let endpoint = A2AEndpoint.choose(from: discovered.card, forced: configuration.dialect, fallbackURL: url) else {
                let offered = discovered.card.supportedInterfaces.map { "\($0.protocolBinding) \($0.protocolVersion)" }.joined(separator: ", ")
                throw A2AClientError(url: discovered.cardURL, method: "GET agent card", kind: .unsupported(
                    "the agent offers no interface a2a-pipe speaks (JSON-RPC with A2A 1.x or 0.3); it offers: \(offered.isEmpty ? "none" : offered)"))
            }
            chosen = endpoint
        } catch let error as A2AClientError {
            // A pinned dialect can do without a card.
            guard let forced = configuration.dialect, case .noAgentCard = error.kind else { throw error }
            chosen = A2AEndpoint(url: url, dialect: forced)
        }
        state.withLock { $0.endpoint = chosen }
        return chosen
    }

    /// After a fallback-worthy failure, the endpoint to try next, or `nil` (a2a-wire.md §1.4).
    func fallback(after error: any Error, from endpoint: A2AEndpoint) async -> A2AEndpoint? {
        guard configuration.dialect == nil, let error = error as? A2AClientError else { return nil }
        let card = state.withLock { $0.card?.card }
        let interfaces = card?.supportedInterfaces.filter { $0.protocolBinding.uppercased() == "JSONRPC" } ?? []
        var next: A2AEndpoint?
        switch (error.kind, endpoint.dialect) {
        case (.rpc(let e), .v1_0) where e.code == JSONRPCError.methodNotFoundCode || e.code == JSONRPCError.versionNotSupportedCode:
            next = A2AEndpoint(url: interfaces.first { $0.generation == .v0_3 }?.url ?? endpoint.url, dialect: .v0_3)
        case (.rpc(let e), .v0_3) where e.code == JSONRPCError.methodNotFoundCode && !interfaces.contains { $0.generation == .v0_3 }:
            next = A2AEndpoint(url: interfaces.first { $0.generation == .v1_0 }?.url ?? endpoint.url, dialect: .v1_0)
        case (.httpStatus, .v1_0), (.httpStatus, .v0_3), (.invalidResponse, .v1_0), (.invalidResponse, .v0_3):
            if await probePythonA2A(endpoint.url) {
                next = A2AEndpoint(url: endpoint.url, dialect: .pythonA2A)
            }
        default:
            break
        }
        if let next {
            logger.info("switching dialect", metadata: ["url": "\(url)", "from": "\(endpoint.dialect)", "to": "\(next.dialect)"])
            state.withLock { $0.endpoint = next }
        }
        return next
    }

    /// python-a2a answers `GET /a2a/health` with `{"status":"ok"}` (a2a-wire.md §8.1).
    func probePythonA2A(_ base: String) async -> Bool {
        let url = trimSlash(base) + "/a2a/health"
        do {
            let response = try await transport.execute(transport.request(url: url, method: .GET, accept: "application/json", versionHeader: nil, body: nil), operation: "GET health")
            let body = try await transport.collect(response, url: url, operation: "GET health")
            guard response.status.code == 200, let json = try? JSONParser().parse(body.readableBytesView) else { return false }
            return json["status"] == .string("ok")
        } catch {
            return false
        }
    }

    /// Runs `body` against the current endpoint, switching dialect once or twice when the agent
    /// says the dialect was wrong.
    func withFallback<T>(_ body: (A2AEndpoint) async throws -> T) async throws -> T {
        var endpoint = try await endpoint()
        var switches = 0
        while true {
            do {
                return try await body(endpoint)
            } catch {
                guard switches < 2, let next = await fallback(after: error, from: endpoint) else { throw error }
                endpoint = next
                switches += 1
            }
        }
    }

    // MARK: Operations

    /// Sends a message and waits for the reply: a task in a terminal or interrupted state (or
    /// at once with `returnImmediately`), or a direct message.
    public func send(_ message: Message, configuration sendConfiguration: SendConfiguration = .init(), metadata: JSONObject? = nil) async throws -> SendMessageResult {
        try await withFallback { endpoint in
            if endpoint.dialect == .pythonA2A {
                return .task(try await pythonA2ATasksSend(message, endpoint: endpoint))
            }
            let params = SendMessageParams(message: message, configuration: sendConfiguration, metadata: metadata, tenant: endpoint.tenant)
            let (result, method) = try await rpc(.send, endpoint: endpoint, params: WireEncoder(endpoint.dialect).sendParams(params))
            do {
                return try WireDecoder.sendResult(result)
            } catch {
                throw A2AClientError(url: endpoint.url, method: method, kind: .invalidResponse("\(error)"))
            }
        }
    }

    /// Sends a message and streams the reply. The request is made when iteration starts; each
    /// event is yielded as soon as its bytes arrive. The stream ends at EOF, whatever the
    /// dialect's final flags say.
    public func stream(_ message: Message, configuration sendConfiguration: SendConfiguration = .init(), metadata: JSONObject? = nil) -> A2AEventStream {
        A2AEventStream(client: self, request: .send(message, sendConfiguration, metadata))
    }

    /// Re-attaches to a running task's stream (`SubscribeToTask` / `tasks/resubscribe`). The
    /// first event is a snapshot of the task.
    public func subscribe(taskId: String) -> A2AEventStream {
        A2AEventStream(client: self, request: .subscribe(taskId))
    }

    /// Reads a task.
    public func getTask(id: String, historyLength: Int? = nil) async throws -> A2ATask {
        try await withFallback { endpoint in
            let params: JSONValue = endpoint.dialect == .pythonA2A
                ? ["id": .string(id)]
                : WireEncoder(endpoint.dialect).taskIdParams(id, historyLength: historyLength, tenant: endpoint.tenant)
            let (result, method) = try await rpc(.getTask, endpoint: endpoint, params: params)
            return try decodeTask(result, url: endpoint.url, method: method)
        }
    }

    /// Asks the agent to cancel a task; returns the task as the agent reports it.
    public func cancelTask(id: String) async throws -> A2ATask {
        try await withFallback { endpoint in
            let params: JSONValue = endpoint.dialect == .pythonA2A
                ? ["id": .string(id)]
                : WireEncoder(endpoint.dialect).taskIdParams(id, tenant: endpoint.tenant)
            let (result, method) = try await rpc(.cancelTask, endpoint: endpoint, params: params)
            return try decodeTask(result, url: endpoint.url, method: method)
        }
    }

    /// Lists tasks (A2A 1.0 only; 0.3 and python-a2a have no such method).
    public func listTasks(_ query: ListTasksQuery = .init()) async throws -> TaskList {
        try await withFallback { endpoint in
            let (result, method) = try await rpc(.listTasks, endpoint: endpoint, params: WireEncoder(.v1_0).listParams(query, tenant: endpoint.tenant))
            do {
                return try WireDecoder.taskList(result)
            } catch {
                throw A2AClientError(url: endpoint.url, method: method, kind: .invalidResponse("\(error)"))
            }
        }
    }

    func decodeTask(_ json: JSONValue, url: String, method: String) throws -> A2ATask {
        do {
            return try WireDecoder.taskResult(json)
        } catch {
            throw A2AClientError(url: url, method: method, kind: .invalidResponse("\(error)"))
        }
    }

    // MARK: JSON-RPC

    /// The URL a python-a2a route lives at.
    func pythonA2ARoute(_ endpoint: A2AEndpoint, _ route: String) -> String {
        trimSlash(endpoint.url) + route
    }

    /// One JSON-RPC call; returns the `result` and the method name used.
    func rpc(_ operation: A2AOperation, endpoint: A2AEndpoint, params: JSONValue) async throws -> (JSONValue, String) {
        guard let method = operation.methodName(in: endpoint.dialect) else {
            throw A2AClientError(url: endpoint.url, method: operation.rawValue, kind: .unsupported(
                "the agent speaks \(endpoint.dialect), which has no \(operation.rawValue) operation"))
        }
        var url = endpoint.url
        if endpoint.dialect == .pythonA2A {
            url = pythonA2ARoute(endpoint, "/" + method)  // one path per method: /tasks/send, /tasks/get, …
        }
        let request = JSONRPCRequest(id: .string(IDs.make()), method: method, params: params)
        let http = transport.request(url: url, method: .POST, accept: "application/json", versionHeader: endpoint.dialect.versionHeader, body: JSONWriter.bytes(request.json))
        // A read is asked once more when the connection is lost: a pooled keep-alive connection
        // that the agent closed just as it was reused fails that way (uvicorn, seen in the
        // suite), and reading twice changes nothing. Sends and cancels are never repeated.
        let retries = operation == .getTask || operation == .listTasks ? 1 : 0
        for attempt in 0...retries {
            do {
                let response = try await transport.execute(http, operation: method)
                let body = try await transport.collect(response, url: url, operation: method)
                return (try Self.readRPCResult(body, status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"), url: url, method: method), method)
            } catch let error as A2AClientError {
                guard attempt < retries, case .connectionLost = error.kind else { throw error }
                logger.debug("retrying a read whose connection was lost", metadata: ["url": "\(url)", "method": "\(method)"])
            }
        }
        preconditionFailure("the last attempt returns or throws")
    }

    /// Reads a JSON-RPC reply body: the result, or the error as ``A2AClientError/Kind/rpc(_:)``.
    static func readRPCResult(_ body: ByteBuffer, status: Int, contentType: String?, url: String, method: String) throws -> JSONValue {
        let json = try? JSONParser().parse(body.readableBytesView)
        if let json, json["jsonrpc"] != nil {
            let response: JSONRPCResponse
            do {
                response = try JSONRPCResponse.parse(json)
            } catch {
                throw A2AClientError(url: url, method: method, kind: .invalidResponse("malformed JSON-RPC response \(error)"))
            }
            switch response.outcome {
            case .success(let result): return result
            case .failure(let error): throw A2AClientError(url: url, method: method, kind: .rpc(error))
            }
        }
        let snippet = Self.snippet(body)
        if status != 200 {
            throw A2AClientError(url: url, method: method, kind: .httpStatus(status, body: snippet))
        }
        throw A2AClientError(url: url, method: method, kind: .invalidResponse(
            "not a JSON-RPC response (\(contentType ?? "no content type")): \(snippet.isEmpty ? "empty body" : snippet)"))
    }

    /// The start of a body, on one line, for error messages.
    static func snippet(_ body: ByteBuffer, limit: Int = 200) -> String {
        var text = String(decoding: body.readableBytesView.prefix(limit), as: UTF8.self)
        text = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        if body.readableBytes > limit { text += "…" }
        return text
    }

    /// python-a2a's blocking `tasks/send`.
    func pythonA2ATasksSend(_ message: Message, endpoint: A2AEndpoint) async throws -> A2ATask {
        let params = PythonA2AWire.tasksSendParams(taskId: message.taskId ?? IDs.make(), sessionId: message.contextId ?? IDs.make(), message: message)
        let (result, method) = try await rpc(.send, endpoint: endpoint, params: params)
        return try decodeTask(result, url: pythonA2ARoute(endpoint, "/tasks/send"), method: method)
    }
}

func trimSlash(_ url: String) -> String {
    url.hasSuffix("/") ? String(url.dropLast()) : url
}

/// What discovery found out about an agent.
public struct AgentDiscovery: Sendable {
    /// The card, normalised.
    public var card: AgentCard
    /// Where the card was found.
    public var cardURL: String
    /// The URL and dialect a2a-pipe will use.
    public var endpoint: A2AEndpoint
}

extension A2AClient {
    /// Fetches the card and chooses the endpoint, as the first call would.
    public func discover() async throws -> AgentDiscovery {
        let discovered = try await discoveredCard()
        let endpoint = try await endpoint()
        return AgentDiscovery(card: discovered.card, cardURL: discovered.cardURL, endpoint: endpoint)
    }
}

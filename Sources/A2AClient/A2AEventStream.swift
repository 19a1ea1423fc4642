import A2A
import AsyncHTTPClient
import NIOCore

/// The events of one streaming call, yielded as their bytes arrive.
///
/// Nothing is sent until iteration starts. The sequence pulls bytes from the connection only
/// when asked for the next event, so a slow consumer slows the agent (backpressure) and at most
/// one partial event is held in memory. It ends at EOF; a JSON-RPC error before the first event,
/// or an error event mid-stream, ends it with an ``A2AClientError``; an event that cannot be
/// decoded is skipped (a2a-wire.md §3.3), and counted in the log. Stopping iteration closes the
/// connection.
public struct A2AEventStream: AsyncSequence, Sendable {
    public typealias Element = StreamResponse

    enum Request: Sendable {
        case send(Message, SendConfiguration, JSONObject?)
        case subscribe(String)
    }

    let client: A2AClient
    let request: Request

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client, request: request)
    }

    /// Iterates the events.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let client: A2AClient
        let request: Request
        var phase: Phase = .notStarted

        init(client: A2AClient, request: Request) {
            self.client = client
            self.request = request
        }

        enum Phase {
            case notStarted
            case streaming(OpenStream)
            case finished
        }

        public mutating func next() async throws -> StreamResponse? {
            while true {
                switch phase {
                case .finished:
                    return nil
                case .notStarted:
                    do {
                        let stream = try await client.withFallback { endpoint in
                            try await client.openStream(request, endpoint: endpoint)
                        }
                        phase = .streaming(stream)
                    } catch {
                        phase = .finished
                        throw error
                    }
                case .streaming(var stream):
                    phase = .finished  // until the read succeeds
                    do {
                        let event = try await stream.next(client: client)
                        if event != nil { phase = .streaming(stream) }
                        return event
                    } catch {
                        throw error
                    }
                }
            }
        }
    }
}

/// An open streaming response and the state needed to read it.
struct OpenStream {
    enum Mode {
        /// JSON-RPC over SSE (1.0 and 0.3).
        case jsonRPC
        /// python-a2a's `POST /stream`.
        case pythonA2A(message: Message, endpoint: A2AEndpoint, sawLastChunk: Bool, events: Int)
        /// Events already in hand (a JSON reply, or python-a2a's `tasks/send` fallback).
        case buffered
    }

    var mode: Mode
    var reader: BodyReader?
    var decoder: SSEDecoder
    var url: String
    var method: String
    var pending: [StreamResponse] = []
    var ended = false

    /// The next event, or `nil` at the end.
    mutating func next(client: A2AClient) async throws -> StreamResponse? {
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            if ended { return nil }
            guard reader != nil else {
                ended = true
                return nil
            }
            do {
                if let event = try decoder.next() {
                    if let decoded = try await handle(event, client: client) { return decoded }
                    continue
                }
            } catch let error as SSEDecodingError {
                throw A2AClientError(url: url, method: method, kind: .invalidResponse("\(error)"))
            }
            guard let chunk = try await reader!.next(url: url, operation: method, transport: client.transport) else {
                decoder.finish()
                ended = true
                if let tail = try await atEOF(client: client) { pending.append(contentsOf: tail) }
                continue
            }
            decoder.push(chunk)
        }
    }

    /// Turns one SSE event into a model event, `nil` to skip it, or throws for an error event.
    mutating func handle(_ event: SSEEvent, client: A2AClient) async throws -> StreamResponse? {
        switch mode {
        case .buffered:
            return nil
        case .jsonRPC:
            let json: JSONValue
            do {
                json = try JSONParser().parse(event.data)
            } catch {
                if event.type == "error" {
                    throw A2AClientError(url: url, method: method, kind: .streamError(event.data, code: nil))
                }
                client.logger.warning("skipping an undecodable stream event", metadata: ["url": "\(url)", "error": "\(error)"])
                return nil
            }
            if let error = json["error"], !error.isNull {
                let code = error["code"]?.intValue
                let message = error["message"]?.stringValue ?? error.stringValue ?? JSONWriter.string(error)
                throw A2AClientError(url: url, method: method, kind: .streamError(message, code: code))
            }
            let result = json["jsonrpc"] != nil ? json["result"] : json  // REST-style bare events too
            guard let result else {
                client.logger.warning("skipping a stream event without a result", metadata: ["url": "\(url)"])
                return nil
            }
            do {
                return try WireDecoder.streamResponse(result)
            } catch {
                client.logger.warning("skipping an undecodable stream event", metadata: ["url": "\(url)", "error": "\(error)"])
                return nil
            }
        case .pythonA2A(let message, let endpoint, let sawLast, let count):
            if event.type == "error" {
                let json = try? JSONParser().parse(event.data)
                throw A2AClientError(url: url, method: method, kind: .streamError(json?["error"]?.stringValue ?? event.data, code: nil))
            }
            guard let json = try? JSONParser().parse(event.data) else {
                client.logger.warning("skipping an undecodable python-a2a chunk", metadata: ["url": "\(url)"])
                return nil
            }
            let chunk: PythonA2AChunk
            do {
                chunk = try PythonA2AChunk.decode(json)
            } catch let error as PythonA2AStreamError {
                throw A2AClientError(url: url, method: method, kind: .streamError(error.message, code: nil))
            } catch {
                client.logger.warning("skipping an undecodable python-a2a chunk", metadata: ["url": "\(url)"])
                return nil
            }
            mode = .pythonA2A(message: message, endpoint: endpoint, sawLastChunk: sawLast || chunk.lastChunk, events: count + 1)
            var metadata = chunk.metadata
            if let p = chunk.progress { metadata = (metadata ?? JSONObject()); metadata?["progress"] = .number(p) }
            return .artifactUpdate(TaskArtifactUpdateEvent(
                taskId: message.taskId ?? "",
                contextId: message.contextId ?? "",
                artifact: Artifact(artifactId: "stream", parts: [.text(chunk.text)]),
                append: count > 0,
                lastChunk: chunk.lastChunk,
                metadata: metadata
            ))
        }
    }

    /// What to yield when the body ends.
    mutating func atEOF(client: A2AClient) async throws -> [StreamResponse]? {
        guard case .pythonA2A(let message, let endpoint, let sawLast, let count) = mode else { return nil }
        if count == 0 {
            // An agent that does not stream answers with the opening comment and nothing else:
            // ask again with the blocking tasks/send (a2a-wire.md §8.2).
            return [.task(try await client.pythonA2ATasksSend(message, endpoint: endpoint))]
        }
        // python-a2a often loses its last events (a2a-wire.md §8.2): EOF is the end, and
        // without `lastChunk` the completion is marked unconfirmed.
        var metadata = JSONObject()
        if !sawLast { metadata["a2a-pipe/completion"] = "unconfirmed" }
        return [.statusUpdate(TaskStatusUpdateEvent(
            taskId: message.taskId ?? "",
            contextId: message.contextId ?? "",
            status: TaskStatus(state: .completed, timestamp: .now),
            isFinal: true,
            metadata: metadata.isEmpty ? nil : metadata
        ))]
    }
}

extension A2AClient {
    /// Makes the streaming request and reads up to the first event, so that a JSON-RPC error
    /// before any event (which may call for a dialect fallback) is thrown here.
    func openStream(_ request: A2AEventStream.Request, endpoint: A2AEndpoint) async throws -> OpenStream {
        if endpoint.dialect == .pythonA2A {
            return try await openPythonA2AStream(request, endpoint: endpoint)
        }
        let operation: A2AOperation
        let params: JSONValue
        let encoder = WireEncoder(endpoint.dialect)
        switch request {
        case .send(let message, let config, let metadata):
            operation = .stream
            params = encoder.sendParams(SendMessageParams(message: message, configuration: config, metadata: metadata, tenant: endpoint.tenant))
        case .subscribe(let id):
            operation = .subscribe
            params = encoder.taskIdParams(id, tenant: endpoint.tenant)
        }
        guard let method = operation.methodName(in: endpoint.dialect) else {
            throw A2AClientError(url: endpoint.url, method: operation.rawValue, kind: .unsupported("the agent speaks \(endpoint.dialect), which cannot \(operation.rawValue)"))
        }
        let body = JSONWriter.bytes(JSONRPCRequest(id: .string(IDs.make()), method: method, params: params).json)
        let http = transport.request(url: endpoint.url, method: .POST, accept: "text/event-stream", versionHeader: endpoint.dialect.versionHeader, body: body)
        let response = try await transport.execute(http, operation: method)
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        if !contentType.hasPrefix("text/event-stream") {
            // An error (or a single result) as plain JSON before the stream started.
            let bytes = try await transport.collect(response, url: endpoint.url, operation: method)
            let result = try Self.readRPCResult(bytes, status: Int(response.status.code), contentType: contentType, url: endpoint.url, method: method)
            do {
                return OpenStream(mode: .buffered, reader: nil, decoder: SSEDecoder(), url: endpoint.url, method: method, pending: [try WireDecoder.streamResponse(result)])
            } catch {
                throw A2AClientError(url: endpoint.url, method: method, kind: .invalidResponse("\(error)"))
            }
        }
        guard response.status.code == 200 else {
            throw A2AClientError(url: endpoint.url, method: method, kind: .httpStatus(Int(response.status.code), body: ""))
        }
        var stream = OpenStream(
            mode: .jsonRPC,
            reader: BodyReader(response.body, idleTimeout: configuration.idleTimeout),
            decoder: SSEDecoder(maxEventSize: configuration.maxEventBytes),
            url: endpoint.url, method: method
        )
        // Peek the first event: an error there is an answer to the request, not a stream failure.
        do {
            if let first = try await stream.next(client: self) { stream.pending.insert(first, at: 0) }
        } catch var error as A2AClientError {
            if case .streamError(let message, let code?) = error.kind {
                error.kind = .rpc(JSONRPCError(code: code, message: message))
            }
            throw error
        }
        return stream
    }

    func openPythonA2AStream(_ request: A2AEventStream.Request, endpoint: A2AEndpoint) async throws -> OpenStream {
        guard case .send(var message, _, _) = request else {
            throw A2AClientError(url: endpoint.url, method: "subscribe", kind: .unsupported("python-a2a agents cannot re-attach to a task"))
        }
        if message.taskId == nil { message.taskId = IDs.make() }  // for tasks/send, and to label events
        if message.contextId == nil { message.contextId = IDs.make() }
        let url = pythonA2ARoute(endpoint, "/stream")
        let http = transport.request(url: url, method: .POST, accept: "text/event-stream", versionHeader: nil, body: JSONWriter.bytes(PythonA2AWire.nativeMessage(message)))
        let response = try await transport.execute(http, operation: "POST /stream")
        if response.status.code >= 400 || !(response.headers.first(name: "Content-Type")?.lowercased().hasPrefix("text/event-stream") ?? false) {
            _ = try? await transport.collect(response, url: url, operation: "POST /stream")
            return OpenStream(mode: .buffered, reader: nil, decoder: SSEDecoder(), url: url, method: "tasks/send",
                              pending: [.task(try await pythonA2ATasksSend(message, endpoint: endpoint))])
        }
        return OpenStream(
            mode: .pythonA2A(message: message, endpoint: endpoint, sawLastChunk: false, events: 0),
            reader: BodyReader(response.body, idleTimeout: configuration.idleTimeout),
            decoder: SSEDecoder(maxEventSize: configuration.maxEventBytes),
            url: url, method: "POST /stream"
        )
    }
}

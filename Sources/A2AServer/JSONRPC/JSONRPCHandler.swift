import A2A
import HTTPTypes
import Hummingbird
import Logging

/// Serves A2A JSON-RPC on one URL, dispatched by method name (a2a-wire.md §10):
/// PascalCase methods are A2A 1.0 and need a 1.x `A2A-Version` (header, else the
/// `A2A-Version` query parameter), slash methods are A2A 0.3, and a body without `jsonrpc` is a
/// python-a2a raw message. Errors are answered on HTTP 200 in the generation's shape.
struct JSONRPCHandler: Sendable {
    let manager: TaskManager
    let legacy: PythonA2AHandler
    let configuration: A2AServerConfiguration
    /// `serve --verbose` (debug level) logs each call's method, JSON-RPC id and task id.
    let logger: Logger

    /// The `A2A-Version` a request asks for: the header wins over the query parameter.
    static func requestedVersion(_ request: Request) -> String? {
        if let h = request.headers[HTTPField.Name("A2A-Version")!], !h.isEmpty { return h }
        if let q = request.uri.queryParameters["A2A-Version"], !q.isEmpty { return String(q) }
        return nil
    }

    func handle(_ request: Request) async -> Response {
        let version = Self.requestedVersion(request)
        let headerDialect: ProtocolDialect = A2AMethod.isVersion1(version) ? .v1_0 : .v0_3
        let body: ByteBuffer
        do {
            body = try await RequestBodyReader.read(request, limit: configuration.maxRequestBodyBytes)
        } catch let e as RequestBodyReader.TooLarge {
            return HTTPResponses.tooLarge(limit: e.limit, dialect: headerDialect)
        } catch {
            return HTTPResponses.json(A2AServerError(.parseError("The request body could not be read: \(error)")).response(id: .null, dialect: headerDialect))
        }
        let value: JSONValue
        do {
            value = try JSONParser().parse(body.readableBytesView)
        } catch {
            return HTTPResponses.json(A2AServerError(.parseError("Parse error: \(error.reason) at byte \(error.offset)")).response(id: .null, dialect: headerDialect))
        }
        if case .object(let o) = value, o["jsonrpc"] == nil, o["method"] == nil {
            return await legacy.rawMessage(value)
        }
        let rpc: JSONRPCRequest
        do {
            rpc = try JSONRPCRequest.parse(value)
        } catch {
            return HTTPResponses.json(A2AServerError(error.error).response(id: error.id, dialect: headerDialect))
        }
        guard let method = A2AMethod(rpc.method) else {
            if rpc.method == "tasks/send" { return await legacy.tasksSend(value) }
            return HTTPResponses.json(A2AServerError(.methodNotFound(rpc.method)).response(id: rpc.id, dialect: headerDialect))
        }
        let dialect = method.dialect
        if logger.logLevel <= .debug {
            logger.debug("JSON-RPC \(rpc.method)", metadata: Self.metadata(rpc))
        }
        if dialect == .v1_0, !A2AMethod.isVersion1(version) {
            return HTTPResponses.json(A2AServerError(.versionNotSupported(version ?? "0.3")).response(id: rpc.id, dialect: .v1_0))
        }
        do {
            return try await dispatch(method, rpc)
        } catch {
            if error.isBusy { return HTTPResponses.busy(error.response(id: rpc.id, dialect: dialect)) }
            if method.operation == .stream || method.operation == .subscribe, dialect == .v0_3 {
                // 0.3 streaming errors before the first event: a one-event stream (a2a-wire.md §4.3).
                return HTTPResponses.singleEvent(error.response(id: rpc.id, dialect: dialect))
            }
            return HTTPResponses.json(error.response(id: rpc.id, dialect: dialect))
        }
    }

    /// The request's JSON-RPC id and, where the params name one, its task id.
    static func metadata(_ rpc: JSONRPCRequest) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["method": "\(rpc.method)"]
        if let id = rpc.id { metadata["rpc_id"] = "\(JSONWriter.string(id))" }
        if case .object(let params) = rpc.params {
            if case .string(let id) = params["id"] {
                metadata["task_id"] = "\(id)"
            } else if case .string(let name) = params["name"], name.hasPrefix("tasks/") {
                metadata["task_id"] = "\(name.dropFirst(6).prefix { $0 != "/" })"
            } else if case .object(let message) = params["message"], case .string(let id) = message["taskId"] ?? message["task_id"] ?? .null {
                metadata["task_id"] = "\(id)"
            }
        }
        return metadata
    }

    private func dispatch(_ method: A2AMethod, _ rpc: JSONRPCRequest) async throws(A2AServerError) -> Response {
        let encoder = WireEncoder(method.dialect)
        func reply(_ result: JSONValue) -> Response {
            HTTPResponses.json(JSONRPCResponse(id: rpc.id, result: result).json())
        }
        switch method.operation {
        case .send:
            let params = try ParamsReader.send(rpc.params)
            let history = params.configuration.historyLength
            if params.configuration.returnImmediately {
                let (_, _, task) = try await manager.start(params, attachment: .detached)
                logger.debug("JSON-RPC \(rpc.method): task \(task.id) started", metadata: ["task_id": "\(task.id)", "context_id": "\(task.contextId)"])
                return reply(encoder.sendResult(.task(task.trimmed(historyLength: history))))
            }
            let (run, _, started) = try await manager.start(params, attachment: .blocking)
            logger.debug("JSON-RPC \(rpc.method): task \(started.id) started", metadata: ["task_id": "\(started.id)", "context_id": "\(started.contextId)"])
            await run.waitUntilSettled()
            run.release()
            switch run.result {
            case .message(let m): return reply(encoder.sendResult(.message(m)))
            case .task(let t): return reply(encoder.sendResult(.task(t.trimmed(historyLength: history))))
            }

        case .stream:
            let params = try ParamsReader.send(rpc.params)
            let (run, sub, started) = try await manager.start(params, attachment: .streaming)
            logger.debug("JSON-RPC \(rpc.method): task \(started.id) started", metadata: ["task_id": "\(started.id)", "context_id": "\(started.contextId)"])
            guard let sub else { throw A2AServerError(.internalError("The stream could not be opened")) }
            // A streaming send with `returnImmediately` (0.3 `blocking: false`) streams as usual,
            // but the task outlives its stream: a page reloaded mid-run re-attaches with
            // SubscribeToTask instead of losing the run (docs/server.md, docs/web.md).
            if params.configuration.returnImmediately { run.detach() }
            return SSEStream.response(run: run, subscription: sub, framer: JSONRPCEventFramer(dialect: method.dialect, id: rpc.id), keepAlive: configuration.keepAliveInterval)

        case .getTask:
            let o = try ParamsReader.object(rpc.params)
            let id = try ParamsReader.taskId(o)
            let history = try ParamsReader.count(o, "historyLength")
            guard let task = await manager.task(id: id) else { throw .taskNotFound(id) }
            return reply(encoder.task(task.trimmed(historyLength: history)))

        case .listTasks:
            let (query, history, includeArtifacts) = try ParamsReader.list(rpc.params)
            let page = try await manager.list(query)
            let list = TaskList(
                tasks: page.tasks.map { $0.trimmed(historyLength: history, includeArtifacts: includeArtifacts) },
                nextPageToken: page.nextPageToken, pageSize: query.pageSize, totalSize: page.totalSize)
            return reply(encoder.taskList(list))

        case .cancelTask:
            let id = try ParamsReader.taskId(try ParamsReader.object(rpc.params))
            return reply(encoder.task(try await manager.cancel(id: id)))

        case .subscribe:
            let id = try ParamsReader.taskId(try ParamsReader.object(rpc.params))
            let (run, sub) = try await manager.subscribe(id: id)
            return SSEStream.response(run: run, subscription: sub, framer: JSONRPCEventFramer(dialect: method.dialect, id: rpc.id), keepAlive: configuration.keepAliveInterval)

        case .extendedCard:
            throw A2AServerError(.unsupportedOperation("This agent does not offer an extended agent card"))

        case .pushConfig:
            throw A2AServerError(.pushNotSupported())
        }
    }
}

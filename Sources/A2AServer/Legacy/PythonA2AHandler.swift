import A2A
import Hummingbird

/// The python-a2a 0.5 routes (a2a-wire.md §8.3), in the shapes its `A2AClient` and
/// `StreamingClient` parse: `POST /stream`, `POST /tasks/send`, `/tasks/get`, `/tasks/cancel`,
/// `/tasks/stream` (each also under `/a2a/`), and a raw message on `POST /`.
struct PythonA2AHandler: Sendable {
    let manager: TaskManager
    let deduplicator: MessageDeduplicator
    let configuration: A2AServerConfiguration

    // MARK: Reading requests

    enum BodyResult {
        case success(JSONValue)
        case failure(Response)
    }

    /// Reads a body, answering an oversized or malformed one.
    private func body(_ request: Request) async -> BodyResult {
        let buffer: ByteBuffer
        do {
            buffer = try await RequestBodyReader.read(request, limit: configuration.maxRequestBodyBytes)
        } catch let e as RequestBodyReader.TooLarge {
            return .failure(HTTPResponses.tooLarge(limit: e.limit, dialect: .v0_3))
        } catch {
            return .failure(Self.errorResponse(.parseError("The request body could not be read"), id: .null))
        }
        do {
            return .success(try JSONParser().parse(buffer.readableBytesView))
        } catch {
            return .failure(Self.errorResponse(.parseError("Parse error: \(error.reason) at byte \(error.offset)"), id: .null))
        }
    }

    /// The message in any body python-a2a clients send: a native message, `{"message": …}`,
    /// the Google form with `parts`, a task dict carrying `message`, or `{"message": "text"}`.
    static func message(in value: JSONValue) -> Message? {
        guard case .object(let o) = value else { return nil }
        let candidate: JSONValue
        switch o["message"] {
        case .string(let s)?: return Message.user(s)
        case .object?: candidate = o["message"]!
        default: candidate = value
        }
        guard var m = try? WireDecoder.message(candidate), !m.parts.isEmpty else {
            if let text = o["text"]?.stringValue ?? o["input"]?.stringValue { return Message.user(text) }
            return nil
        }
        m.role = .user
        if m.messageId.isEmpty { m.messageId = IDs.make() }
        m.taskId = nil
        return m
    }

    /// The output of a task as python-a2a clients read it: the artifact text, else the status
    /// message text.
    static func outputText(_ task: A2ATask) -> String {
        let text = task.artifactText
        if !text.isEmpty { return text }
        return task.status.message?.text ?? ""
    }

    static func errorResponse(_ error: JSONRPCError, id: JSONValue?) -> Response {
        HTTPResponses.json(JSONRPCResponse(id: id, error: error).json())
    }

    /// Starts a run for a message, or finds the run a retry of the same `message_id` joins.
    private func startOrJoin(
        _ message: Message, attachment: TaskManager.Attachment, taskId: String? = nil, sessionId: String? = nil
    ) async throws(A2AServerError) -> (run: TaskRun?, subscription: Subscription?, task: A2ATask?) {
        if case .join(let existing) = await deduplicator.claim(message.messageId) {
            if let run = manager.run(id: existing), !run.isSettled {
                switch attachment {
                case .streaming:
                    if let sub = run.subscribe(snapshot: true) { return (run, sub, nil) }
                case .blocking:
                    run.hold()
                    return (run, nil, nil)
                case .detached:
                    return (run, nil, nil)
                }
            }
            if let task = await manager.task(id: existing) { return (nil, nil, task) }
            throw A2AServerError(.internalError("The task \(existing) of message \(message.messageId) is gone; send the message again with a new message_id"))
        }
        var m = message
        if let sessionId, !sessionId.isEmpty { m.contextId = sessionId }
        do {
            let (run, sub, _) = try await manager.start(SendMessageParams(message: m), attachment: attachment, newTaskId: taskId)
            deduplicator.resolve(message.messageId, taskId: run.taskId)
            return (run, sub, nil)
        } catch {
            deduplicator.abandon(message.messageId)
            throw error
        }
    }

    /// Runs a message to its end and returns the task.
    private func runBlocking(_ message: Message, taskId: String? = nil, sessionId: String? = nil) async throws(A2AServerError) -> A2ATask {
        let (run, _, stored) = try await startOrJoin(message, attachment: .blocking, taskId: taskId, sessionId: sessionId)
        if let stored { return stored }
        guard let run else { throw A2AServerError(.internalError("No run")) }
        await run.waitUntilSettled()
        run.release()
        switch run.result {
        case .task(let t): return t
        case .message(let m):
            var t = run.snapshot
            t.artifacts = [Artifact(artifactId: TaskUpdater.defaultArtifactId, parts: [.text(m.text)])]
            t.status = TaskStatus(state: .completed, timestamp: .now)
            return t
        }
    }

    // MARK: Routes

    /// `POST /stream`: the chunk stream `A2AClient.stream_response` and `StreamingClient` read.
    func stream(_ request: Request) async -> Response {
        let value: JSONValue
        switch await body(request) {
        case .success(let v): value = v
        case .failure(let r): return r
        }
        guard let message = Self.message(in: value) else {
            return HTTPResponses.singleEvent(["error": "The body carries no message with text"], event: "error")
        }
        do {
            let (run, sub, stored) = try await startOrJoin(message, attachment: .streaming)
            if let run, let sub {
                return SSEStream.response(run: run, subscription: sub, framer: PythonA2AChunkFramer(), keepAlive: configuration.keepAliveInterval)
            }
            // A retry of a finished run: replay it.
            var buffer = ByteBuffer()
            var framer = PythonA2AChunkFramer()
            framer.start(into: &buffer)
            if let stored {
                framer.write(.task(stored), into: &buffer)
                framer.write(.statusUpdate(TaskStatusUpdateEvent(taskId: stored.id, contextId: stored.contextId, status: stored.status, isFinal: true)), into: &buffer)
            }
            framer.finish(.completed, into: &buffer)
            return Response(status: .ok, headers: HTTPResponses.sseHeaders, body: ResponseBody(byteBuffer: buffer))
        } catch {
            if error.isBusy { return HTTPResponses.busy(["error": .string(error.error.message)]) }
            return HTTPResponses.singleEvent(["error": .string(error.error.message)], event: "error")
        }
    }

    /// `POST /tasks/send` (JSON-RPC with any method name, or a raw task): runs the task and
    /// answers it with `type`-tagged text parts and `sessionId`.
    func tasksSend(_ request: Request) async -> Response {
        switch await body(request) {
        case .success(let v): return await tasksSend(v)
        case .failure(let r): return r
        }
    }

    func tasksSend(_ value: JSONValue) async -> Response {
        let isRPC = value["jsonrpc"] != nil
        let id = value["id"]
        let params = isRPC ? (value["params"] ?? .null) : value
        guard let message = Self.message(in: params) else {
            let error = JSONRPCError.invalidParams("params.message must be a message with text")
            return isRPC ? Self.errorResponse(error, id: id) : HTTPResponses.json(["error": .string(error.message)], status: .badRequest)
        }
        let clientId = params["id"]?.stringValue
        let sessionId = params["sessionId"]?.stringValue
        do {
            var task = try await runBlocking(message, taskId: clientId, sessionId: sessionId)
            if let clientId { task.id = clientId }
            let shaped = PythonA2AWire.task(task, text: Self.outputText(task))
            return HTTPResponses.json(isRPC ? JSONRPCResponse(id: id, result: shaped).json() : shaped)
        } catch {
            if error.isBusy {
                return HTTPResponses.busy(isRPC ? JSONRPCResponse(id: id, error: error.error).json() : ["error": .string(error.error.message)])
            }
            return isRPC ? Self.errorResponse(error.error, id: id) : HTTPResponses.json(["error": .string(error.error.message)], status: .badRequest)
        }
    }

    /// `POST /tasks/get` and `POST /tasks/cancel`.
    func tasksGetOrCancel(_ request: Request, cancel: Bool) async -> Response {
        let value: JSONValue
        switch await body(request) {
        case .success(let v): value = v
        case .failure(let r): return r
        }
        let id = value["id"]
        let params = value["jsonrpc"] != nil ? (value["params"] ?? .null) : value
        guard let taskId = params["id"]?.stringValue, !taskId.isEmpty else {
            return Self.errorResponse(.invalidParams("params.id must be a task id"), id: id)
        }
        do throws(A2AServerError) {
            let task: A2ATask
            if cancel {
                task = try await manager.cancel(id: taskId)
            } else {
                guard let t = await manager.task(id: taskId) else { throw A2AServerError.taskNotFound(taskId) }
                task = t
            }
            return HTTPResponses.json(JSONRPCResponse(id: id, result: PythonA2AWire.task(task, text: Self.outputText(task))).json())
        } catch {
            return Self.errorResponse(error.error, id: id)
        }
    }

    /// `POST /tasks/stream`: a raw task or JSON-RPC `tasks/sendSubscribe`, `tasks/stream` or
    /// `tasks/resubscribe`; answers `event: update` tasks with cumulative text, then
    /// `event: complete`.
    func tasksStream(_ request: Request) async -> Response {
        let value: JSONValue
        switch await body(request) {
        case .success(let v): value = v
        case .failure(let r): return r
        }
        let isRPC = value["jsonrpc"] != nil
        let params = isRPC ? (value["params"] ?? .null) : value
        let clientId = params["id"]?.stringValue
        do throws(A2AServerError) {
            if value["method"]?.stringValue == "tasks/resubscribe" {
                guard let clientId else { throw A2AServerError.invalidParams("params.id must be a task id") }
                let (run, sub) = try await manager.subscribe(id: clientId)
                return SSEStream.response(run: run, subscription: sub, framer: PythonA2ATaskFramer(task: run.snapshot, clientTaskId: nil), keepAlive: configuration.keepAliveInterval)
            }
            guard let message = Self.message(in: params) else {
                throw A2AServerError.invalidParams("params.message must be a message with text")
            }
            let (run, sub, stored) = try await startOrJoin(message, attachment: .streaming, taskId: clientId, sessionId: params["sessionId"]?.stringValue)
            if let run, let sub {
                return SSEStream.response(run: run, subscription: sub, framer: PythonA2ATaskFramer(task: run.snapshot, clientTaskId: clientId), keepAlive: configuration.keepAliveInterval)
            }
            var buffer = ByteBuffer()
            if let stored {
                var framer = PythonA2ATaskFramer(task: stored, clientTaskId: clientId)
                framer.finish(.completed, into: &buffer)
            }
            return Response(status: .ok, headers: HTTPResponses.sseHeaders, body: ResponseBody(byteBuffer: buffer))
        } catch {
            if error.isBusy { return HTTPResponses.busy(["error": .string(error.error.message)]) }
            return HTTPResponses.singleEvent(["error": .string(error.error.message)], event: "error")
        }
    }

    /// A raw message on `POST /` (no `jsonrpc`): `{"content":{"type":"text","text":…},"role":"agent"}`,
    /// or `{"content":{"type":"error","message":…},"role":"agent"}` when the task failed —
    /// `StreamingClient` re-sends here after a stream error, and finds the failed run by its
    /// `message_id`.
    func rawMessage(_ value: JSONValue) async -> Response {
        guard let message = Self.message(in: value) else {
            return HTTPResponses.json(["content": ["type": "error", "message": "The body carries no message with text"], "role": "agent"], status: .badRequest)
        }
        do {
            let task = try await runBlocking(message)
            if task.status.state == .failed || task.status.state == .rejected {
                return HTTPResponses.json(["content": ["type": "error", "message": .string(task.status.message?.text ?? "The task failed")], "role": "agent"])
            }
            return HTTPResponses.json(["content": ["type": "text", "text": .string(Self.outputText(task))], "role": "agent"])
        } catch {
            let body: JSONValue = ["content": ["type": "error", "message": .string(error.error.message)], "role": "agent"]
            return error.isBusy ? HTTPResponses.busy(body) : HTTPResponses.json(body)
        }
    }
}

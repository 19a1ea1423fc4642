import Foundation
import NIOCore
import Testing

@testable import A2A

/// Decodes and re-encodes the real captures of a2a-wire.md (copied into `Samples/`).
@Suite("Captured wire samples")
struct SampleCodecTests {
    let v10 = WireEncoder(.v1_0)
    let v03 = WireEncoder(.v0_3)

    // MARK: send

    @Test func v10SendRequest() throws {
        let request = try JSONRPCRequest.parse(Samples.bytes("v10-send-request.json"))
        #expect(request.id == .number(1))
        #expect(request.method == "SendMessage")
        #expect(A2AOperation.from(methodName: request.method)?.0 == .send)
        #expect(A2AOperation.from(methodName: request.method)?.1 == .v1_0)
        let params = try WireDecoder.sendParams(try #require(request.params))
        #expect(params.message.messageId == "m-1")
        #expect(params.message.role == .user)
        #expect(params.message.parts == [.text("hello")])
        #expect(params.message.metadata == ["client/trace": "abc"])
        #expect(params.configuration == SendConfiguration())
        // Our 1.0 encoder writes exactly the captured params.
        let encoded = v10.sendParams(params)
        #expect(encoded == request.params)
        #expect(try WireDecoder.sendParams(throughBytes(encoded)) == params)
        #expect(try JSONRPCRequest.parse(JSONWriter.bytes(request.json)) == request)
    }

    @Test func v03SendRequest() throws {
        let request = try JSONRPCRequest.parse(Samples.bytes("v03-send-request.json"))
        #expect(request.id == .string("a"))
        #expect(request.method == "message/send")
        #expect(A2AOperation.from(methodName: request.method)?.1 == .v0_3)
        let params = try WireDecoder.sendParams(try #require(request.params))
        #expect(params.message.messageId == "m03-1")
        #expect(params.message.role == .user)
        #expect(params.message.text == "hi")
        #expect(params.message.metadata == ["k": "v"])
        #expect(params.configuration.acceptedOutputModes == ["text/plain"])
        #expect(params.configuration.returnImmediately == false)
        let encoded = v03.sendParams(params)
        #expect(encoded == request.params)
        #expect(encoded["configuration"]?["blocking"] == .bool(true))
        #expect(encoded["message"]?["kind"] == "message")
        #expect(try WireDecoder.sendParams(throughBytes(encoded)) == params)
    }

    @Test func v10SendReply() throws {
        let sample = try Samples.json("v10-send-reply.json")
        let response = try JSONRPCResponse.parse(sample)
        #expect(response.id == .number(1))
        let resultJSON = try response.outcome.get()
        guard case .task(let task) = try WireDecoder.sendResult(resultJSON) else {
            Issue.record("expected a task")
            return
        }
        #expect(task.id == "t-1")
        #expect(task.contextId == "c-1")
        #expect(task.status.state == .completed)
        #expect(sameInstant(task.status.timestamp, epoch(1_795_562_903.436031)))
        #expect(task.artifacts.count == 1)
        #expect(task.artifacts[0].artifactId == "a-1")
        #expect(task.artifacts[0].name == "response")
        #expect(task.artifacts[0].text == "Echo: hello")
        #expect(task.history.map(\.messageId) == ["m-1", "m-2"])
        #expect(task.history.map(\.role) == [.user, .agent])
        #expect(task.history[0].metadata == ["client/trace": "abc"])
        #expect(task.history[1].text == "Processing your question")
        #expect(task.history.allSatisfy { $0.taskId == "t-1" && $0.contextId == "c-1" })

        let encoded = v10.sendResult(.task(task))
        #expect(encoded["task"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
        #expect(encoded["task"]?["kind"] == nil)
        #expect(encoded["task"]?["status"]?["timestamp"] == "2026-11-24T23:28:23.436Z")
        // Same shape as sdk13 wrote, timestamps aside.
        #expect(withoutTimestamps(encoded) == withoutTimestamps(resultJSON))
        #expect(try WireDecoder.sendResult(throughBytes(encoded)) == msPrecision(.task(task)))
        // The whole envelope re-encodes too.
        let envelope = JSONRPCResponse(id: response.id, result: encoded).json()
        #expect(try JSONRPCResponse.parse(throughBytes(envelope)).id == .number(1))
    }

    @Test func v10MessageReply() throws {
        let sample = try Samples.json("v10-message-reply.json")
        let response = try JSONRPCResponse.parse(sample)
        #expect(response.id == .number(14))
        let resultJSON = try response.outcome.get()
        let decoded = try WireDecoder.sendResult(resultJSON)
        let expected = Message(messageId: "m-9", role: .agent, parts: [.text("Direct message response")], contextId: "c-9", taskId: "t-9")
        #expect(decoded == .message(expected))
        let encoded = v10.sendResult(decoded)
        #expect(encoded == resultJSON)
        #expect(encoded["message"]?["role"] == "ROLE_AGENT")
        #expect(try WireDecoder.sendResult(throughBytes(encoded)) == decoded)
    }

    @Test func v10FollowUpMessage() throws {
        let sample = try Samples.json("v10-followup-message.json")
        let message = try WireDecoder.message(try #require(sample["message"]))
        #expect(message.messageId == "m-3")
        #expect(message.taskId == "t-2")
        #expect(message.contextId == "c-2")
        #expect(message.role == .user)
        #expect(message.text == "more")
        #expect(v10.message(message) == sample["message"])
    }

    @Test func v03SendReply() throws {
        let sample = try Samples.json("v03-send-reply.json")
        let response = try JSONRPCResponse.parse(sample)
        #expect(response.id == .string("a"))
        let resultJSON = try response.outcome.get()
        guard case .task(let task) = try WireDecoder.sendResult(resultJSON) else {
            Issue.record("expected a task")
            return
        }
        #expect(task.id == "t-1")
        #expect(task.contextId == "c-1")
        #expect(task.status.state == .completed)
        #expect(sameInstant(task.status.timestamp, epoch(1_795_562_931.718421)))
        #expect(task.artifactText == "Echo: hi")
        #expect(task.history.map(\.messageId) == ["m03-1", "m-2"])
        #expect(task.history.map(\.role) == [.user, .agent])
        #expect(task.history[0].metadata == ["k": "v"])

        let encoded = v03.sendResult(.task(task))
        #expect(encoded["kind"] == "task")
        #expect(encoded["status"]?["state"] == "completed")
        #expect(encoded["history"]?.arrayValue?.map { $0["role"] } == ["user", "agent"])
        #expect(encoded["history"]?.arrayValue?.allSatisfy { $0["kind"] == "message" } == true)
        #expect(withoutTimestamps(encoded) == withoutTimestamps(resultJSON))
        #expect(try WireDecoder.sendResult(throughBytes(encoded)) == msPrecision(.task(task)))
    }

    @Test func v03MessageReply() throws {
        let sample = try Samples.json("v03-message-reply.json")
        let response = try JSONRPCResponse.parse(sample)
        #expect(response.id == .string("g"))
        let resultJSON = try response.outcome.get()
        let decoded = try WireDecoder.sendResult(resultJSON)
        #expect(decoded == .message(Message(messageId: "m-9", role: .agent, parts: [.text("Direct message response")], contextId: "c-9", taskId: "t-9")))
        let encoded = v03.sendResult(decoded)
        #expect(encoded == resultJSON)
        #expect(encoded["kind"] == "message")
        #expect(encoded["parts"]?.arrayValue?.first?["kind"] == "text")
    }

    // MARK: streams

    @Test func v10Stream() throws {
        let raw = try Samples.bytes("v10-stream.sse")
        #expect(raw.contains(0x0D), "sdk13 streams use CRLF")
        let events = try Samples.events("v10-stream.sse")
        #expect(events.count == 5)
        #expect(events.allSatisfy { $0.type == "message" && $0.id == nil })
        var decoded: [StreamResponse] = []
        for event in events {
            let response = try JSONRPCResponse.parse(json(event.data))
            #expect(response.id == .string("s1"))
            let resultJSON = try response.outcome.get()
            let e = try WireDecoder.streamResponse(resultJSON)
            decoded.append(e)
            let encoded = v10.streamResponse(e)
            #expect(withoutTimestamps(encoded) == withoutTimestamps(resultJSON))
            #expect(try WireDecoder.streamResponse(throughBytes(encoded)) == msPrecision(e))
        }
        guard case .task(let t) = decoded[0], case .statusUpdate(let working) = decoded[1],
            case .artifactUpdate(let chunk1) = decoded[2], case .artifactUpdate(let chunk2) = decoded[3],
            case .statusUpdate(let done) = decoded[4]
        else {
            Issue.record("unexpected event types: \(decoded)")
            return
        }
        #expect(t.id == "t-1")
        #expect(t.status.state == .submitted)
        #expect(t.status.timestamp == nil)
        #expect(t.history.first?.text == "go")
        #expect(working.status.state == .working)
        #expect(working.isFinal == false)
        #expect(sameInstant(working.status.timestamp, epoch(1_795_564_443.580134)))
        #expect(chunk1.artifact.artifactId == "chunked")
        #expect(chunk1.artifact.text == "chunk-1 ")
        #expect(chunk1.append == false)
        #expect(chunk1.lastChunk == false)
        #expect(chunk2.append == true)
        #expect(chunk2.lastChunk == true)
        #expect(chunk2.artifact.text == "chunk-2")
        #expect(done.status.state == .completed)
        #expect(sameInstant(done.status.timestamp, epoch(1_795_564_443.580245)))
        // 1.0 omits false booleans.
        let firstChunk = v10.streamResponse(decoded[2])
        #expect(firstChunk["artifactUpdate"]?["append"] == nil)
        #expect(firstChunk["artifactUpdate"]?["lastChunk"] == nil)
        #expect(v10.streamResponse(decoded[3])["artifactUpdate"]?["append"] == .bool(true))
        // Aggregating the stream gives the finished task.
        var task = t
        for e in decoded.dropFirst() { task.apply(e) }
        #expect(task.status.state == .completed)
        #expect(task.artifactText == "chunk-1 chunk-2")
        #expect(task.artifacts.count == 1)
    }

    @Test func v03Stream() throws {
        let raw = try Samples.bytes("v03-stream.sse")
        #expect(raw.contains(0x0D))
        let events = try Samples.events("v03-stream.sse")
        #expect(events.count == 5)
        var decoded: [StreamResponse] = []
        for event in events {
            let response = try JSONRPCResponse.parse(json(event.data))
            #expect(response.id == .string("s2"))
            let resultJSON = try response.outcome.get()
            let e = try WireDecoder.streamResponse(resultJSON)
            decoded.append(e)
            let encoded = v03.streamResponse(e)
            #expect(withoutTimestamps(encoded) == withoutTimestamps(resultJSON))
            #expect(try WireDecoder.streamResponse(throughBytes(encoded)) == msPrecision(e))
        }
        guard case .task(let t) = decoded[0], case .statusUpdate(let working) = decoded[1],
            case .artifactUpdate(let chunk1) = decoded[2], case .artifactUpdate(let chunk2) = decoded[3],
            case .statusUpdate(let done) = decoded[4]
        else {
            Issue.record("unexpected event types: \(decoded)")
            return
        }
        #expect(t.status.state == .submitted)
        #expect(t.history.first?.role == .user)
        #expect(working.status.state == .working)
        #expect(working.isFinal == false)
        #expect(sameInstant(working.status.timestamp, epoch(1_795_564_443.606869)))
        #expect(chunk1.append == false && chunk1.lastChunk == false)
        #expect(chunk2.append == true && chunk2.lastChunk == true)
        #expect(chunk1.artifact.text + chunk2.artifact.text == "chunk-1 chunk-2")
        #expect(done.isFinal == true)
        #expect(done.status.state == .completed)
        // 0.3 sends false explicitly.
        let firstChunk = v03.streamResponse(decoded[2])
        #expect(firstChunk["append"] == .bool(false))
        #expect(firstChunk["lastChunk"] == .bool(false))
        #expect(firstChunk["kind"] == "artifact-update")
        #expect(v03.streamResponse(decoded[1])["final"] == .bool(false))
        #expect(v03.streamResponse(decoded[4])["final"] == .bool(true))
        #expect(v03.streamResponse(decoded[4])["kind"] == "status-update")
        // The same task streamed in 1.0 decodes to the same models (timestamps and `final` aside).
        let v10Events = try Samples.events("v10-stream.sse").map { try WireDecoder.streamResponse(JSONRPCResponse.parse(json($0.data)).outcome.get()) }
        #expect(v10Events.map(\.state) == decoded.map(\.state))
        #expect(v10Events.map(\.taskId) == decoded.map(\.taskId))
    }

    @Test func v10MessageStream() throws {
        let events = try Samples.events("v10-message-stream.sse")
        #expect(events.count == 1)
        let response = try JSONRPCResponse.parse(json(events[0].data))
        #expect(response.id == .number(1))
        let resultJSON = try response.outcome.get()
        let e = try WireDecoder.streamResponse(resultJSON)
        #expect(e == .message(Message(messageId: "m-9", role: .agent, parts: [.text("Direct message response")], contextId: "c-9", taskId: "t-9")))
        #expect(v10.streamResponse(e) == resultJSON)
    }

    @Test func v10Subscribe() throws {
        let request = try JSONRPCRequest.parse(Samples.bytes("v10-subscribe-request.json"))
        #expect(A2AOperation.from(methodName: request.method)?.0 == .subscribe)
        #expect(v10.taskIdParams("t-5") == request.params)
        let events = try Samples.events("v10-subscribe.sse")
        #expect(events.count == 2)
        let decoded = try events.map { try WireDecoder.streamResponse(JSONRPCResponse.parse(json($0.data)).outcome.get()) }
        guard case .task(let snapshot) = decoded[0], case .statusUpdate(let done) = decoded[1] else {
            Issue.record("unexpected events \(decoded)")
            return
        }
        #expect(snapshot.id == "t-5")
        #expect(snapshot.status.state == .working)
        #expect(sameInstant(snapshot.status.timestamp, epoch(1_795_562_942.964549)))
        #expect(snapshot.history.first?.text == "long")
        #expect(done.status.state == .completed)
        #expect(sameInstant(done.status.timestamp, epoch(1_795_562_947.965513)))
        for (event, e) in zip(events, decoded) {
            let resultJSON = try JSONRPCResponse.parse(json(event.data)).outcome.get()
            #expect(withoutTimestamps(v10.streamResponse(e)) == withoutTimestamps(resultJSON))
        }
    }

    // MARK: get, cancel, list

    @Test func v10GetTask() throws {
        let request = try JSONRPCRequest.parse(Samples.bytes("v10-get-request.json"))
        #expect(request.method == "GetTask")
        #expect(request.id == .number(3))
        #expect(v10.taskIdParams("t-3", historyLength: 1) == request.params)
        let sample = try Samples.json("v10-get-reply.json")
        let resultJSON = try result(of: sample)
        let task = try WireDecoder.taskResult(resultJSON)
        #expect(task.id == "t-3")
        #expect(task.contextId == "c-3")
        #expect(task.status.state == .inputRequired)
        #expect(task.status.state.isInterrupted)
        #expect(sameInstant(task.status.timestamp, epoch(1_795_562_924.211768)))
        #expect(task.history.count == 1)
        #expect(task.history[0].text == "x")
        let encoded = v10.task(task)
        #expect(encoded["status"]?["state"] == "TASK_STATE_INPUT_REQUIRED")
        #expect(withoutTimestamps(encoded) == withoutTimestamps(resultJSON))
        #expect(try WireDecoder.taskResult(throughBytes(encoded)) == msPrecision(task))
        // 0.3 spells it in kebab-case.
        #expect(v03.task(task)["status"]?["state"] == "input-required")
    }

    @Test func v03GetRequest() throws {
        let request = try JSONRPCRequest.parse(Samples.bytes("v03-get-request.json"))
        #expect(request.method == "tasks/get")
        #expect(request.id == .string("g"))
        #expect(A2AOperation.from(methodName: "tasks/get")?.1 == .v0_3)
        #expect(v03.taskIdParams("t-4") == request.params)
    }

    @Test func v10Cancel() throws {
        let request = try JSONRPCRequest.parse(Samples.bytes("v10-cancel-request.json"))
        #expect(request.method == "CancelTask")
        #expect(v10.taskIdParams("t-3") == request.params)
        let sample = try Samples.json("v10-cancel-status.json")
        let status = try WireDecoder.status(try #require(sample["status"]))
        #expect(status.state == .canceled)
        #expect(status.state.isTerminal)
        #expect(sameInstant(status.timestamp, epoch(1_795_562_924.446927)))
        #expect(v10.status(status)["state"] == "TASK_STATE_CANCELED")
        #expect(v10.status(status)["timestamp"] == "2026-11-24T23:28:44.446Z")
        #expect(v03.status(status)["state"] == "canceled")
    }

    @Test func v10ListTasks() throws {
        let request = try JSONRPCRequest.parse(Samples.bytes("v10-list-request.json"))
        #expect(request.method == "ListTasks")
        #expect(request.id == .string("l1"))
        #expect(v10.listParams(ListTasksQuery(pageSize: 1, historyLength: 0)) == request.params)
        let resultJSON = try result(of: Samples.json("v10-list-reply.json"))
        let list = try WireDecoder.taskList(resultJSON)
        #expect(list.tasks.count == 1)
        #expect(list.tasks[0].id == "t-2")
        #expect(list.tasks[0].status.state == .completed)
        #expect(sameInstant(list.tasks[0].status.timestamp, epoch(1_795_564_229.645444)))
        #expect(list.tasks[0].history.isEmpty)
        #expect(list.nextPageToken == "eyJ0cyI6MTc5NTU2NDIyOTY0NTQ0NDAwMCwiaWQiOiJjNmE1NGZmZS01NzQzLTRlOWItODdkMi00MzFhMWUxNDY5MjIifQ")
        #expect(list.pageSize == 1)
        #expect(list.totalSize == 6)
        let encoded = v10.taskList(list)
        #expect(encoded["nextPageToken"] == resultJSON["nextPageToken"])
        #expect(encoded["pageSize"] == 1)
        #expect(encoded["totalSize"] == 6)
        // Known difference: empty `history` is omitted rather than sent as [] (both read as empty).
        #expect(encoded["tasks"]?.arrayValue?.first?["history"] == nil)
        #expect(try WireDecoder.taskList(throughBytes(encoded)) == TaskList(tasks: list.tasks.map(msPrecision), nextPageToken: list.nextPageToken, pageSize: 1, totalSize: 6))
        // The last page's "" token reads as no token, and is written back as "".
        let last = TaskList(tasks: [], nextPageToken: nil)
        #expect(v10.taskList(last)["nextPageToken"] == "")
        #expect(try WireDecoder.taskList(v10.taskList(last)).nextPageToken == nil)
    }

    // MARK: progress (§4.5)

    @Test(arguments: ["v10-progress-status-update.json", "v03-progress-status-update.json"])
    func progressStatusUpdate(_ name: String) throws {
        let uri = "https://example.org/a2a-pipe/progress/v1"
        let payload = try Samples.json("progress-payload.json")
        let sample = try Samples.json(name)
        let response = try JSONRPCResponse.parse(sample)
        #expect(response.id == .string("req-7"))
        let resultJSON = try response.outcome.get()
        guard case .statusUpdate(let u) = try WireDecoder.streamResponse(resultJSON) else {
            Issue.record("expected a status update")
            return
        }
        #expect(u.taskId == "t-1")
        #expect(u.contextId == "c-1")
        #expect(u.isFinal == false)
        #expect(u.status.state == .working)
        #expect(sameInstant(u.status.timestamp, epoch(1_795_562_906.048)))
        let p = try #require(u.metadata?[uri])
        #expect(p == payload)
        #expect(p["progress"]?.doubleValue == 0.35)
        let stages = try #require(p["stages"]?.arrayValue)
        #expect(stages.count == 3)
        #expect(stages[0]["progress"]?.doubleValue == 1.0)
        #expect(stages[1]["done"]?.doubleValue == 2.0)
        #expect(stages[1]["done"]?.intValue == 2)
        #expect(stages[1]["total"]?.intValue == 5)
        let message = try #require(u.status.message)
        #expect(message.messageId == "m-s2")
        #expect(message.role == .agent)
        #expect(message.text == "summarize: 2 of 5 items")
        #expect(message.extensions == [uri])
        #expect(message.metadata?[uri] == payload)

        let encoder = name.hasPrefix("v10") ? v10 : v03
        let encoded = encoder.streamResponse(.statusUpdate(u))
        // The sample's timestamp has milliseconds and Z, so even the timestamp matches exactly.
        #expect(encoded == resultJSON)
        #expect(try WireDecoder.streamResponse(throughBytes(encoded)) == .statusUpdate(u))
    }

    // MARK: errors (§1.4, §4.3, §5)

    @Test func v10ErrorsCarryErrorInfo() throws {
        let cases: [(String, JSONValue, Int, String, String)] = [
            ("v10-error-task-not-found.json", 6, -32001, "Task not found", "TASK_NOT_FOUND"),
            ("v10-error-version-not-supported.json", 1, -32009, "A2A version '0.3' is not supported by this handler. Expected version '1.0'.", "VERSION_NOT_SUPPORTED"),
            ("v10-error-validation.json", 13, -32602, "Validation failed", "INVALID_PARAMS"),
            ("v10-stream-error-before.json", 9, -32001, "Task no-such-task not found", "TASK_NOT_FOUND"),
        ]
        for (name, id, code, message, reason) in cases {
            let sample = try Samples.json(name)
            let response = try JSONRPCResponse.parse(sample)
            #expect(response.id == id, "\(name)")
            guard case .failure(let error) = response.outcome else {
                Issue.record("\(name): expected an error")
                continue
            }
            #expect(error.code == code, "\(name)")
            #expect(error.message == message, "\(name)")
            let data = try #require(error.data?.arrayValue, "\(name)")
            #expect(data[0]["@type"] == "type.googleapis.com/google.rpc.ErrorInfo")
            #expect(data[0]["reason"] == .string(reason))
            #expect(data[0]["domain"] == "a2a-protocol.org")
            #expect(JSONRPCError.reason(of: code) == reason)
            // Re-encoding keeps the data as it came.
            #expect(response.json() == sample, "\(name)")
            #expect(try JSONRPCResponse.parse(throughBytes(response.json())) == response)
        }
        // The validation error also carries a BadRequest detail.
        let validation = try JSONRPCResponse.parse(Samples.json("v10-error-validation.json"))
        if case .failure(let e) = validation.outcome {
            #expect(e.data?.arrayValue?.count == 2)
            #expect(e.data?.arrayValue?.last?["@type"] == "type.googleapis.com/google.rpc.BadRequest")
            #expect(e.data?.arrayValue?.first?["metadata"]?["errors"]?.arrayValue?.first?["field"] == "message.parts")
        }
    }

    @Test func ourErrorsMatchSdk13Captures() throws {
        // Our own 1.0 errors, with the ErrorInfo added, equal what sdk13 sent.
        let notFound = JSONRPCResponse(id: 6, error: JSONRPCError(code: JSONRPCError.taskNotFoundCode, message: "Task not found"))
        #expect(notFound.json(addErrorInfo: true) == (try Samples.json("v10-error-task-not-found.json")))
        let version = JSONRPCResponse(id: 1, error: .versionNotSupported("0.3"))
        #expect(version.json(addErrorInfo: true) == (try Samples.json("v10-error-version-not-supported.json")))
        // Plain JSON-RPC errors carry no data; 0.3 never gets ErrorInfo.
        let notFoundMethod = JSONRPCResponse(id: 2, error: JSONRPCError(code: -32601, message: "Method not found"))
        #expect(notFoundMethod.json(addErrorInfo: true) == (try Samples.json("v03-error-method-not-found.json")))
        #expect(notFound.json()["error"]?["data"] == nil)
    }

    @Test func v03Errors() throws {
        let notCancelable = try JSONRPCResponse.parse(Samples.json("v03-error-not-cancelable.json"))
        #expect(notCancelable.id == "d")
        #expect(notCancelable.outcome == .failure(JSONRPCError(code: -32002, message: "Task cannot be canceled", data: .null)))

        let invalidRequest = try JSONRPCResponse.parse(Samples.json("v03-error-invalid-request.json"))
        #expect(invalidRequest.id == "v")
        guard case .failure(let e1) = invalidRequest.outcome else {
            Issue.record("expected an error")
            return
        }
        #expect(e1.code == JSONRPCError.invalidRequestCode)
        #expect(e1.data?.stringValue?.hasPrefix("1 validation error for SendMessageRequest\nparams.message.messageId\n") == true)

        let invalidParams = try JSONRPCResponse.parse(Samples.json("v03-error-invalid-params.json"))
        guard case .failure(let e2) = invalidParams.outcome else {
            Issue.record("expected an error")
            return
        }
        #expect(e2.code == -32602)
        #expect(e2.message == "Invalid parameters")
        #expect(e2.data?.arrayValue?.first?["loc"] == ["params", "message", "messageId"])

        let methodNotFound = try JSONRPCResponse.parse(Samples.json("v03-error-method-not-found.json"))
        #expect(methodNotFound.id == 2)
        #expect(methodNotFound.outcome == .failure(JSONRPCError(code: -32601, message: "Method not found", data: nil)))

        for name in ["v03-error-not-cancelable.json", "v03-error-invalid-request.json", "v03-error-invalid-params.json", "v03-error-method-not-found.json"] {
            let sample = try Samples.json(name)
            #expect(try JSONRPCResponse.parse(sample).json() == sample, "\(name)")
        }
    }

    @Test func streamErrors() throws {
        // 0.3: a one-event SSE carrying the error, no data member.
        let before = try Samples.events("v03-stream-error-before.sse")
        #expect(before.count == 1)
        let r1 = try JSONRPCResponse.parse(json(before[0].data))
        #expect(r1.id == "s")
        #expect(r1.outcome == .failure(JSONRPCError(code: -32001, message: "Task nope was specified but does not exist")))

        // 1.0 mid-stream: a task, then `event: error` with an ErrorInfo.
        let mid = try Samples.events("v10-stream-error-midstream.sse")
        #expect(mid.count == 2)
        #expect(mid[0].type == "message")
        #expect(mid[1].type == "error")
        let first = try WireDecoder.streamResponse(JSONRPCResponse.parse(json(mid[0].data)).outcome.get())
        #expect(first.state == .submitted)
        #expect(first.taskId == "t-1")
        let r2 = try JSONRPCResponse.parse(json(mid[1].data))
        #expect(r2.id == "e1")
        guard case .failure(let e) = r2.outcome else {
            Issue.record("expected an error")
            return
        }
        #expect(e.code == JSONRPCError.internalErrorCode)
        #expect(e.message == "rejected")
        #expect(e.data?.arrayValue?.first?["reason"] == "UNKNOWN_ERROR")
        // Ours, for the same failure, is identical.
        #expect(JSONRPCResponse(id: "e1", error: .internalError("rejected")).json(addErrorInfo: true) == (try json(mid[1].data)))
    }

    // MARK: cards (§6, §8.1, §4.5)

    @Test func v10MinimalCard() throws {
        let sample = try Samples.json("v10-card-minimal.json")
        let card = try WireDecoder.agentCard(sample)
        #expect(card.name == "Pipeline Runner")
        #expect(card.version == "1.0.0")
        #expect(card.supportedInterfaces == [AgentInterface(url: "http://127.0.0.1:8080/", protocolBinding: "JSONRPC", protocolVersion: "1.0")])
        #expect(card.supportedInterfaces[0].generation == .v1_0)
        #expect(card.capabilities.streaming == true)
        #expect(card.skills.map(\.id) == ["run-pipeline"])
        #expect(card.skills[0].tags == ["pipeline"])
        #expect(card.isPythonA2A == false)
        #expect(v10.agentCard(card) == sample)
        #expect(try WireDecoder.agentCard(throughBytes(v10.agentCard(card))) == card)
    }

    @Test func v03Sdk03Card() throws {
        let sample = try Samples.json("v03-card-sdk03.json")
        let card = try WireDecoder.agentCard(sample)
        #expect(card.name == "words")
        #expect(card.supportedInterfaces == [AgentInterface(url: "http://127.0.0.1:9923/", protocolBinding: "JSONRPC", protocolVersion: "0.3.0")])
        #expect(card.supportedInterfaces[0].generation == .v0_3)
        #expect(card.skills.first?.id == "echo")
        #expect(v03.agentCard(card) == sample)
        #expect(try WireDecoder.agentCard(throughBytes(v03.agentCard(card))) == card)
    }

    @Test func sdk13HybridCard() throws {
        let sample = try Samples.json("v10-card-hybrid-sdk13.json")
        let card = try WireDecoder.agentCard(sample)
        // supportedInterfaces wins over the legacy fields.
        #expect(card.supportedInterfaces == [
            AgentInterface(url: "http://127.0.0.1:9921/", protocolBinding: "JSONRPC", protocolVersion: "1.0"),
            AgentInterface(url: "http://127.0.0.1:9921/", protocolBinding: "JSONRPC", protocolVersion: "0.3"),
        ])
        #expect(card.supportedInterfaces.map(\.generation) == [.v1_0, .v0_3])
        // Our hybrid card has exactly sdk13's members.
        let hybrid = v10.agentCard(card, hybrid: true)
        #expect(hybrid == sample)
        #expect(hybrid["protocolVersion"] == "0.3")
        // A plain 1.0 card leaves the legacy fields out.
        let plain = v10.agentCard(card)
        #expect(plain["url"] == nil)
        #expect(plain["preferredTransport"] == nil)
        #expect(try WireDecoder.agentCard(plain) == card)
    }

    @Test func pythonA2ACard() throws {
        let sample = try Samples.json("pa2a-card.json")
        let card = try WireDecoder.agentCard(sample)
        #expect(card.isPythonA2A)
        #expect(card.name == "A2A Agent")
        #expect(card.skills.isEmpty)
        #expect(card.capabilities.streaming == true)
        #expect(card.capabilities.pushNotifications == false)
        #expect(card.capabilities.stateTransitionHistory == false)
        #expect(card.supportedInterfaces == [AgentInterface(url: "http://127.0.0.1:9925", protocolBinding: "JSONRPC", protocolVersion: "0.3.0")])
        let encoded = v03.agentCard(card)
        #expect(encoded["capabilities"]?["stateTransitionHistory"] == .bool(false))
        // Known, intended loss: we never write python-a2a's Google flags (a2a-wire.md §8.3).
        #expect(encoded["capabilities"]?["google_a2a_compatible"] == nil)
        var expected = card
        expected.isPythonA2A = false
        #expect(try WireDecoder.agentCard(throughBytes(encoded)) == expected)
    }

    @Test func progressExtensionCapabilities() throws {
        let sample = try Samples.json("card-progress-capabilities.json")
        let card = try WireDecoder.agentCard(sample)
        #expect(card.capabilities.extensions == [AgentExtension(uri: "https://example.org/a2a-pipe/progress/v1", description: "Per-stage and pipeline progress in status-update metadata", required: false)])
        #expect(v10.agentCard(card)["capabilities"] == sample["capabilities"])
        #expect(v03.agentCard(card)["capabilities"] == sample["capabilities"])
    }

    // MARK: part mapping (§3.1)

    @Test func sdk13PartMapping() throws {
        let parts10 = try #require(Samples.json("parts-v10.json").arrayValue)
        let parts03 = try #require(Samples.json("parts-v03.json").arrayValue)
        #expect(parts10.count == 5)
        #expect(parts03.count == 5)
        let decoded10 = try parts10.map { try WireDecoder.part($0) }
        let decoded03 = try parts03.map { try WireDecoder.part($0) }
        #expect(decoded10[0] == Part(.raw(Data("tck".utf8)), filename: "output.txt", mediaType: "text/plain"))
        #expect(decoded10[1] == Part(.url("https://example.com/output.txt"), filename: "output.txt", mediaType: "text/plain"))
        #expect(decoded10[2] == Part(.data(["key": "value", "count": 42])))
        #expect(decoded10[3] == Part(.data([1, 2, "x"])))
        #expect(decoded10[4] == Part(.text("t"), mediaType: "text/markdown"))
        // 1.0 → 0.3 gives sdk13's 0.3 parts exactly.
        for (i, p) in decoded10.enumerated() {
            #expect(v03.part(p) == parts03[i], "part \(i)")
            #expect(v10.part(p) == parts10[i], "part \(i)")
        }
        // 0.3 → model: the same, except the text part's mediaType, which 0.3 cannot carry.
        #expect(Array(decoded03[0..<4]) == Array(decoded10[0..<4]))
        #expect(decoded03[3].metadata == nil, "data_part_compat is unwrapped")
        #expect(decoded03[4] == Part(.text("t")))
        #expect(decoded03[4].mediaType == nil)
    }

    // MARK: python-a2a (§8)

    @Test func pythonA2AStream() throws {
        let raw = try Samples.bytes("pa2a-stream.sse")
        #expect(!raw.contains(0x0D), "python-a2a streams use LF")
        var decoder = SSEDecoder()
        decoder.push(raw)
        var events: [SSEEvent] = []
        while let e = try decoder.next() { events.append(e) }
        #expect(decoder.commentCount == 1)
        #expect(events.count == 4)
        #expect(events.map(\.type) == ["message", "message", "message", "error"])

        let chunks = try events.prefix(3).map { try PythonA2AChunk.decode(json($0.data)) }
        #expect(chunks[0] == PythonA2AChunk(text: "alpha ", index: 0))
        #expect(chunks[1].text == "Step 1/5: Gathering sources...\n")
        #expect(chunks[1].index == 1)
        #expect(chunks[1].progress == 0.2)
        #expect(chunks[1].metadata == ["progress": 0.2])
        #expect(chunks[1].lastChunk == false)
        #expect(chunks[2] == PythonA2AChunk(text: "", index: 9, lastChunk: true))
        #expect(throws: PythonA2AStreamError(message: "Streaming timed out")) {
            try PythonA2AChunk.decode(json(events[3].data))
        }
        // String-content chunks re-encode to the captured bytes' JSON.
        #expect(PythonA2AWire.chunk("alpha ", index: 0) == (try json(events[0].data)))
        #expect(PythonA2AWire.chunk("", index: 9, lastChunk: true) == (try json(events[2].data)))
    }

    @Test func pythonA2AServerStream() throws {
        let raw = try Samples.bytes("pa2a-server-stream.sse")
        #expect(!raw.contains(0x0D))
        let events = try Samples.events("pa2a-server-stream.sse")
        #expect(events.count == 2)
        let first = try PythonA2AChunk.decode(json(events[0].data))
        #expect(first.text == "[fetch:hello pipe] ")
        #expect(first.progress == 0.333)
        #expect(first.metadata?["stage"] == "fetch")
        let last = try PythonA2AChunk.decode(json(events[1].data))
        #expect(last.lastChunk)
        #expect(last.index == 1)
        // What our server writes is exactly this.
        var out = ByteBuffer()
        SSEEncoder.writeComment("SSE stream established", into: &out)
        SSEEncoder.write(json: PythonA2AWire.chunk("[fetch:hello pipe] ", index: 0, meta: ["stage": "fetch", "progress": 0.333]), into: &out)
        SSEEncoder.write(json: PythonA2AWire.chunk("", index: 1, lastChunk: true), into: &out)
        let ours = try decodeSSE(Array(out.readableBytesView))
        #expect(ours.count == 2)
        for (a, b) in zip(ours, events) {
            #expect(try json(a.data) == json(b.data))
        }
    }

    @Test func pythonA2ATasksSendReply() throws {
        let sample = try Samples.json("pa2a-tasks-send-reply.json")
        let response = try JSONRPCResponse.parse(sample)
        #expect(response.id == 1)
        let resultJSON = try response.outcome.get()
        guard case .task(let task) = try WireDecoder.sendResult(resultJSON) else {
            Issue.record("expected a task")
            return
        }
        #expect(task.id == "t-100")
        #expect(task.contextId == "s-1")
        #expect(task.status.state == .completed)
        // No zone: read as UTC.
        #expect(sameInstant(task.status.timestamp, epoch(1_795_563_309.610988)))
        #expect(task.artifacts.count == 1)
        #expect(task.artifacts[0].artifactId == "")
        #expect(task.artifactText == "…")
        // Our python-a2a task shape.
        let encoded = PythonA2AWire.task(task)
        #expect(encoded["sessionId"] == "s-1")
        #expect(encoded["status"]?["state"] == "completed")
        #expect(encoded["status"]?["timestamp"] == "2026-11-24T23:35:09.610Z")
        #expect(encoded["artifacts"] == resultJSON["artifacts"])
        #expect(encoded["kind"] == nil)
        var expected = msPrecision(task)
        expected.artifacts = [Artifact(artifactId: "", parts: [.text("…")])]
        #expect(try WireDecoder.task(throughBytes(encoded)) == expected)
        // python-a2a's own spelling of working.
        var working = task
        working.status.state = .working
        #expect(PythonA2AWire.task(working)["status"]?["state"] == "waiting")
        #expect(try WireDecoder.task(PythonA2AWire.task(working)).status.state == .working)
    }

    @Test func pythonA2AMessages() throws {
        let native = try Samples.json("pa2a-native-message.json")
        let m = try WireDecoder.message(native)
        #expect(m.messageId == "<uuid>")
        #expect(m.role == .user)
        #expect(m.text == "…")
        #expect(PythonA2AWire.nativeMessage(m) == native)

        let errorContent = try WireDecoder.message(Samples.json("pa2a-error-content.json"))
        #expect(errorContent.role == .agent)
        #expect(errorContent.text == "…")

        let http500 = try WireDecoder.message(Samples.json("pa2a-http500-reply.json"))
        #expect(http500.role == .agent)
        #expect(http500.parts == [Part(.data(["error": "Error processing message: Unknown content type: None"]))])

        let params = PythonA2AWire.tasksSendParams(taskId: "t-1", sessionId: "s-1", message: m)
        #expect(params["message"] == native)
        #expect(params["sessionId"] == "s-1")
    }

    /// Every sample file is used by some test above (guards against forgotten captures).
    @Test func everySampleParses() throws {
        let jsonNames = try Samples.names(withExtension: "json")
        #expect(jsonNames.count >= 37)
        for name in jsonNames {
            _ = try Samples.json(name)
        }
        let sseNames = try Samples.names(withExtension: "sse")
        #expect(sseNames.count == 8)
        for name in sseNames {
            let events = try Samples.events(name)
            #expect(!events.isEmpty, "\(name)")
            for e in events { _ = try json(e.data) }
        }
    }
}

import A2A
import A2AServer
import BuiltinAgents
import Foundation
import Testing

/// Every error code, produced by a real malformed or invalid request over HTTP, in both
/// generations' shapes (a2a-wire.md §5).
@Suite("Errors")
struct ErrorTests {
    private func errorInfoReason(_ r: RawResponse) -> String? {
        r.json["error"]?["data"]?.arrayValue?.first?["reason"]?.stringValue
    }

    @Test func parseError() async throws {
        try await withBuiltin("echo") { _, url in
            for headers in [v1, []] {
                let r = try await post(url + "/", "{not json", headers: headers)
                #expect(r.status == 200)
                #expect(r.json["error"]?["code"] == -32700)
                #expect(r.json["id"] == .null)
                #expect(r.json["error"]?["data"] == nil)
            }
        }
    }

    @Test func invalidRequest() async throws {
        try await withBuiltin("echo") { _, url in
            let batch = try await post(url + "/", "[" + rpc("GetTask", ["id": "x"]) + "]", headers: v1)
            #expect(batch.json["error"]?["code"] == -32600)
            #expect(errorInfoReason(batch) == "INVALID_REQUEST")
            let wrongVersion = try await post(url + "/", #"{"jsonrpc":"1.0","id":7,"method":"tasks/get","params":{"id":"x"}}"#)
            #expect(wrongVersion.json["error"]?["code"] == -32600)
            #expect(wrongVersion.json["id"] == 7)
            #expect(wrongVersion.json["error"]?["data"] == nil)
        }
    }

    @Test func methodNotFound() async throws {
        try await withBuiltin("echo") { _, url in
            let r10 = try await post(url + "/", rpc("NoSuchMethod", [:]), headers: v1)
            #expect(r10.json["error"]?["code"] == -32601)
            let r03 = try await post(url + "/", rpc("tasks/list", [:]))
            #expect(r03.json["error"]?["code"] == -32601)
            #expect(r03.json["error"]?["data"] == nil)
        }
    }

    @Test func invalidParams() async throws {
        try await withBuiltin("echo") { _, url in
            let noParts = try await post(url + "/", rpc("SendMessage", ["message": ["messageId": "m", "role": "ROLE_USER", "parts": []]]), headers: v1)
            #expect(noParts.json["error"]?["code"] == -32602)
            #expect(errorInfoReason(noParts) == "INVALID_PARAMS")
            let violation = noParts.json["error"]?["data"]?.arrayValue?.last?["fieldViolations"]?.arrayValue?.first?["field"]
            #expect(violation == "message.parts")
            let noId = try await post(url + "/", rpc("message/send", ["message": ["kind": "message", "role": "user", "parts": [["kind": "text", "text": "x"]]]]))
            #expect(noId.json["error"]?["code"] == -32602)
            #expect(noId.json["error"]?["data"] == nil)
            let badPage = try await post(url + "/", rpc("ListTasks", ["pageSize": 0]), headers: v1)
            #expect(badPage.json["error"]?["code"] == -32602)
            let bigPage = try await post(url + "/", rpc("ListTasks", ["pageSize": 101]), headers: v1)
            #expect(bigPage.json["error"]?["code"] == -32602)
            let badToken = try await post(url + "/", rpc("ListTasks", ["pageToken": "zz-not-a-token"]), headers: v1)
            #expect(badToken.json["error"]?["code"] == -32602)
            let noTaskId = try await post(url + "/", rpc("GetTask", [:]), headers: v1)
            #expect(noTaskId.json["error"]?["code"] == -32602)
        }
    }

    @Test func taskNotFound() async throws {
        try await withBuiltin("echo") { _, url in
            let r10 = try await post(url + "/", rpc("GetTask", ["id": "no-such-task"]), headers: v1)
            #expect(r10.json["error"]?["code"] == -32001)
            #expect(errorInfoReason(r10) == "TASK_NOT_FOUND")
            let r03 = try await post(url + "/", rpc("tasks/get", ["id": "no-such-task"]))
            #expect(r03.json["error"]?["code"] == -32001)
            #expect(r03.json["error"]?["data"] == nil)
            // Streaming errors before the first event: JSON in 1.0, a one-event SSE in 0.3.
            let s10 = try await post(url + "/", rpc("SendStreamingMessage", ["message": message10("x", taskId: "nope")]), headers: v1)
            #expect(s10.contentType.hasPrefix("application/json"))
            #expect(s10.json["error"]?["code"] == -32001)
            let s03 = try await post(url + "/", rpc("message/stream", ["message": message03("x", taskId: "nope")]))
            #expect(s03.contentType.hasPrefix("text/event-stream"))
            #expect(s03.events.count == 1)
            #expect(s03.events.first?["error"]?["code"] == -32001)
        }
    }

    @Test func notCancelableAndTerminalTasks() async throws {
        try await withBuiltin("echo") { _, url in
            let sent = try await post(url + "/", rpc("SendMessage", ["message": message10("hello")]), headers: v1)
            let task = try #require(sent.json["result"]?["task"])
            #expect(task["status"]?["state"] == "TASK_STATE_COMPLETED")
            let id = try #require(task["id"]?.stringValue)
            let context = try #require(task["contextId"]?.stringValue)

            let c10 = try await post(url + "/", rpc("CancelTask", ["id": .string(id)]), headers: v1)
            #expect(c10.json["error"]?["code"] == -32002)
            #expect(errorInfoReason(c10) == "TASK_NOT_CANCELABLE")
            let c03 = try await post(url + "/", rpc("tasks/cancel", ["id": .string(id)]))
            #expect(c03.json["error"]?["code"] == -32002)

            // A follow-up to a terminal task: -32004.
            let follow = try await post(url + "/", rpc("SendMessage", ["message": message10("more", taskId: id, contextId: context)]), headers: v1)
            #expect(follow.json["error"]?["code"] == -32004)
            #expect(follow.json["error"]?["message"]?.stringValue?.contains("terminal state: TASK_STATE_COMPLETED") == true)

            // Subscribe to a terminal task: JSON -32004 in 1.0, a one-event SSE in 0.3.
            let s10 = try await post(url + "/", rpc("SubscribeToTask", ["id": .string(id)]), headers: v1)
            #expect(s10.contentType.hasPrefix("application/json"))
            #expect(s10.json["error"]?["code"] == -32004)
            #expect(errorInfoReason(s10) == "UNSUPPORTED_OPERATION")
            let s03 = try await post(url + "/", rpc("tasks/resubscribe", ["id": .string(id)]))
            #expect(s03.contentType.hasPrefix("text/event-stream"))
            #expect(s03.events.count == 1)
            #expect(s03.events.first?["error"]?["code"] == -32004)
        }
    }

    @Test func pushAndExtendedCardAreNotOffered() async throws {
        try await withBuiltin("echo") { _, url in
            let p10 = try await post(url + "/", rpc("CreateTaskPushNotificationConfig", ["taskId": "t"]), headers: v1)
            #expect(p10.json["error"]?["code"] == -32003)
            #expect(errorInfoReason(p10) == "PUSH_NOTIFICATION_NOT_SUPPORTED")
            let p03 = try await post(url + "/", rpc("tasks/pushNotificationConfig/set", ["taskId": "t"]))
            #expect(p03.json["error"]?["code"] == -32003)
            let e10 = try await post(url + "/", rpc("GetExtendedAgentCard", [:]), headers: v1)
            #expect(e10.json["error"]?["code"] == -32004)
            let e03 = try await post(url + "/", rpc("agent/getAuthenticatedExtendedCard", [:]))
            #expect(e03.json["error"]?["code"] == -32004)
        }
    }

    @Test func versionNotSupported() async throws {
        try await withBuiltin("echo") { _, url in
            let none = try await post(url + "/", rpc("GetTask", ["id": "x"]))
            #expect(none.status == 200)
            #expect(none.json["error"]?["code"] == -32009)
            #expect(none.json["error"]?["message"] == "A2A version '0.3' is not supported by this handler. Expected version '1.0'.")
            #expect(errorInfoReason(none) == "VERSION_NOT_SUPPORTED")
            let two = try await post(url + "/", rpc("GetTask", ["id": "x"]), headers: [("A2A-Version", "2.0")])
            #expect(two.json["error"]?["code"] == -32009)
            // The query parameter is accepted; the header wins over it.
            let query = try await post(url + "/?A2A-Version=1.0", rpc("GetTask", ["id": "x"]))
            #expect(query.json["error"]?["code"] == -32001)
            let headerWins = try await post(url + "/?A2A-Version=1.0", rpc("GetTask", ["id": "x"]), headers: [("A2A-Version", "0.3")])
            #expect(headerWins.json["error"]?["code"] == -32009)
            let minor = try await post(url + "/", rpc("GetTask", ["id": "x"]), headers: [("A2A-Version", "1.1")])
            #expect(minor.json["error"]?["code"] == -32001)
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        let configuration = A2AServerConfiguration(maxRequestBodyBytes: 1024)
        try await withBuiltin("echo", configuration: configuration) { _, url in
            let big = rpc("SendMessage", ["message": message10(String(repeating: "x", count: 4096))])
            let r = try await post(url + "/", big, headers: v1)
            #expect(r.status == 413)
            #expect(r.json["error"]?["code"] == -32600)
            #expect(r.json["error"]?["message"]?.stringValue?.contains("1024 bytes") == true)
            let legacy = try await post(url + "/tasks/send", big)
            #expect(legacy.status == 413)
            // Still serving.
            let small = try await post(url + "/", rpc("SendMessage", ["message": message10("ok")]), headers: v1)
            #expect(small.json["result"]?["task"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
        }
    }

    @Test func midStreamFailureEndsWithFailedAndIsStored() async throws {
        try await withServer(agent: FailingAgent()) { _, url in
            for (method, headers) in [("SendStreamingMessage", v1), ("message/stream", [])] {
                let message = headers.isEmpty ? message03("go") : message10("go")
                let r = try await post(url + "/", rpc(method, ["message": message]), headers: headers)
                let results = r.events.compactMap { $0["result"] }
                let last = try #require(results.last)
                let status = last["statusUpdate"]?["status"] ?? last["status"]
                #expect(status?["state"] == (headers.isEmpty ? "failed" : "TASK_STATE_FAILED"))
                #expect(status?["message"]?["parts"]?.arrayValue?.first?["text"]?.stringValue?.contains("boom") == true)
                if headers.isEmpty { #expect(last["final"] == true) }
                let id = try #require((results.first?["task"]?["id"] ?? results.first?["id"])?.stringValue)
                let got = try await post(url + "/", rpc("GetTask", ["id": .string(id)]), headers: v1)
                #expect(got.json["result"]?["status"]?["state"] == "TASK_STATE_FAILED")
                #expect(artifactText(results) == "partial ")
            }
        }
    }
}

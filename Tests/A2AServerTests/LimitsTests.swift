import A2A
import A2AServer
import Foundation
import NIOHTTP1
import Testing

/// Server limits: concurrent runs (busy at once, no queue) and the request body size.
@Suite("Limits")
struct LimitsTests {
    @Test("beyond maxConcurrentRuns a new task is refused at once: HTTP 503, Retry-After, JSON-RPC -32603; room again after a cancel")
    func busy() async throws {
        var configuration = A2AServerConfiguration()
        configuration.maxConcurrentRuns = 2
        let started = Signal()
        try await withServer(agent: EndlessAgent(cancelled: Signal(), started: started), configuration: configuration) { server, url in
            var ids: [String] = []
            for _ in 0..<2 {
                let r = try await post(url + "/", rpc("SendMessage", ["message": message10("run"), "configuration": ["returnImmediately": true]]), headers: v1)
                #expect(r.status == 200)
                ids.append(try #require(r.json["result"]?["task"]?["id"]?.stringValue))
            }
            #expect(server.activeTaskCount == 2)
            let refused10 = try await post(url + "/", rpc("SendStreamingMessage", ["message": message10("one more")], id: 9), headers: v1)
            #expect(refused10.status == 503)
            #expect(refused10.headers.first(name: "Retry-After") == "1")
            #expect(refused10.json["error"]?["code"] == -32603)
            #expect(refused10.json["id"] == 9)
            #expect(refused10.json["error"]?["message"]?.stringValue?.contains("busy") == true)
            #expect(refused10.json["error"]?["data"]?[0]?["reason"] == "UNKNOWN_ERROR")
            let refused03 = try await post(url + "/", rpc("message/stream", ["message": message03("one more")]))
            #expect(refused03.status == 503)
            #expect(refused03.contentType == "application/json", "busy is a plain JSON answer even for a 0.3 stream")
            #expect(refused03.json["error"]?["data"] == nil)
            let legacy = try await post(url + "/tasks/send", #"{"id":"t1","message":{"role":"user","content":{"type":"text","text":"x"}}}"#)
            #expect(legacy.status == 503)
            let legacyStream = try await post(url + "/stream", #"{"content":{"type":"text","text":"x"},"role":"user"}"#)
            #expect(legacyStream.status == 503)
            #expect(server.activeTaskCount == 2, "nothing was queued")
            // Reads are not runs: still served.
            #expect(try await post(url + "/", rpc("GetTask", ["id": .string(ids[0])]), headers: v1).status == 200)

            let cancel = try await post(url + "/", rpc("CancelTask", ["id": .string(ids[0])]), headers: v1)
            #expect(cancel.json["result"]?["status"]?["state"] == "TASK_STATE_CANCELED")
            let again = try await post(url + "/", rpc("SendMessage", ["message": message10("now"), "configuration": ["returnImmediately": true]]), headers: v1)
            #expect(again.status == 200, "\(again.body)")
            for id in ids.dropFirst() + [again.json["result"]?["task"]?["id"]?.stringValue ?? ""] {
                _ = try await post(url + "/", rpc("CancelTask", ["id": .string(id)]), headers: v1)
            }
        }
    }

    @Test("concurrent starts never overshoot the limit")
    func concurrentStartsRespectTheLimit() async throws {
        var configuration = A2AServerConfiguration()
        configuration.maxConcurrentRuns = 3
        try await withServer(agent: EndlessAgent(cancelled: Signal(), started: Signal()), configuration: configuration) { server, url in
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let r = try await post(url + "/", rpc("SendMessage", ["message": message10("go"), "configuration": ["returnImmediately": true]]), headers: v1)
                        return (r.status, r.json["result"]?["task"]?["id"]?.stringValue)
                    }
                }
                var out: [(Int, String?)] = []
                for try await s in group { out.append(s) }
                return out
            }
            #expect(statuses.filter { $0.0 == 200 }.count == 3)
            #expect(statuses.filter { $0.0 == 503 }.count == 9)
            #expect(server.activeTaskCount == 3)
            for case (200, let id?) in statuses {
                _ = try await post(url + "/", rpc("CancelTask", ["id": .string(id)]), headers: v1)
            }
        }
    }
}

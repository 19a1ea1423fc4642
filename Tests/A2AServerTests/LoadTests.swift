import A2A
import A2AClient
import A2AServer
import AsyncHTTPClient
import BuiltinAgents
import Foundation
import Testing

/// Load and disconnects, on loopback, bounded.
@Suite("Load and disconnects")
struct LoadTests {
    @Test("200 concurrent streams, no error, no lost chunk")
    func twoHundredConcurrentStreams() async throws {
        try await withBuiltin("words", settings: ["delay": "1ms"]) { server, url in
            let words = (1...50).map { "w\($0)" }
            let text = words.joined(separator: " ")
            let results = try await withThrowingTaskGroup(of: (Int, String, TaskState)?.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        let dialect: ProtocolDialect = i.isMultiple(of: 2) ? .v1_0 : .v0_3
                        let client = A2AClient(url: url, configuration: A2AClientConfiguration(dialect: dialect), httpClient: testHTTPClient)
                        var task = A2ATask(id: "", contextId: "", status: TaskStatus(state: .unknown))
                        var chunks = 0
                        for try await event in client.stream(Message.user(text)) {
                            if case .artifactUpdate = event { chunks += 1 }
                            task.apply(event)
                        }
                        return (chunks, task.artifactText, task.status.state)
                    }
                }
                group.addTask {
                    do { try await Task.sleep(for: .seconds(120)) } catch { return nil }
                    struct LoadTimeout: Error {}
                    throw LoadTimeout()
                }
                var out: [(Int, String, TaskState)] = []
                for try await r in group {
                    guard let r else { continue }
                    out.append(r)
                    if out.count == 200 { group.cancelAll() }
                }
                return out
            }
            #expect(results.count == 200)
            #expect(results.allSatisfy { $0.0 == 50 })
            #expect(results.allSatisfy { $0.1 == text })
            #expect(results.allSatisfy { $0.2 == .completed })
            #expect(server.activeTaskCount == 0)
        }
    }

    @Test("a disconnected client's task is cancelled when it was the only one")
    func disconnectCancelsTheAgent() async throws {
        let cancelled = Signal()
        let started = Signal()
        try await withServer(agent: EndlessAgent(cancelled: cancelled, started: started)) { server, url in
            let client = A2AClient(url: url, configuration: A2AClientConfiguration(dialect: .v1_0), httpClient: testHTTPClient)
            // Read a few events, then drop the connection.
            let taskId = try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask {
                    var id = ""
                    var chunks = 0
                    for try await event in client.stream(Message.user("go")) {
                        if case .task(let t) = event { id = t.id }
                        if case .artifactUpdate = event { chunks += 1 }
                        if chunks == 3 { break }
                    }
                    return id
                }
                let id = try await group.next()!
                return id
            }
            #expect(await cancelled.wait(timeout: .seconds(10)))
            let task = try await client.getTask(id: taskId)
            #expect(task.status.state == .canceled)
            #expect(server.activeTaskCount == 0)
        }
    }

    @Test("a task started with returnImmediately survives its subscriber's disconnect")
    func detachedTasksAreNotCancelledByDisconnects() async throws {
        let cancelled = Signal()
        let started = Signal()
        try await withServer(agent: EndlessAgent(cancelled: cancelled, started: started)) { server, url in
            let client = A2AClient(url: url, configuration: A2AClientConfiguration(dialect: .v1_0), httpClient: testHTTPClient)
            let result = try await client.send(Message.user("go"), configuration: SendConfiguration(returnImmediately: true))
            guard case .task(let t) = result else { Issue.record("expected a task"); return }
            var chunks = 0
            for try await event in client.subscribe(taskId: t.id) {
                if case .artifactUpdate = event { chunks += 1 }
                if chunks == 3 { break }
            }
            // Still running: another subscriber gets its snapshot and more chunks.
            var more = 0
            for try await event in client.subscribe(taskId: t.id) {
                if case .task(let snapshot) = event { #expect(snapshot.status.state == .working) }
                if case .artifactUpdate = event { more += 1 }
                if more == 2 { break }
            }
            #expect(!cancelled.hasFired)
            let canceled = try await client.cancelTask(id: t.id)
            #expect(canceled.status.state == .canceled)
            #expect(await cancelled.wait(timeout: .seconds(10)))
            #expect(server.activeTaskCount == 0)
        }
    }
}

import A2A
import A2AServer
import Foundation
import Synchronization
import Testing

/// Streams "before ", asks "Which topic?" and keeps running until the answer arrives
/// (`askForInput`), then streams "after <answer>" on the same artifact and completes.
/// `cancelled` fires when its wait ends in a cancellation, `errors` records other errors.
final class AskingAgent: AgentExecutor {
    let cancelled = Signal()
    let errors = Mutex<[String]>([])

    func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        try await updater.startWork()
        try await updater.addArtifact(text: "before ")
        let answer: Message
        do {
            answer = try await updater.askForInput("Which topic?")
        } catch is CancellationError {
            cancelled.fire()
            throw CancellationError()
        } catch {
            errors.withLock { $0.append(String(describing: error)) }
            throw error
        }
        try await updater.addArtifact(text: "after \(answer.text)")
        try await updater.complete()
    }
}

/// A task whose agent asks for input and keeps running (`TaskUpdater.askForInput`): the
/// server pauses the run, and the client's next message on the task resumes the same agent
/// call (docs/server.md, "Waiting for input").
@Suite("Waiting for input", .timeLimit(.minutes(1)))
struct InputRequiredTests {
    func state(_ result: JSONValue?) -> String? {
        (result?["statusUpdate"] ?? result?["task"])?["status"]?["state"]?.stringValue
    }

    @Test func streamedQuestionThenAnswerOnTheSameTaskAndArtifact() async throws {
        let agent = AskingAgent()
        try await withServer(agent: agent) { _, url in
            let first = try await post(url + "/", rpc("SendStreamingMessage", ["message": message10("go")]), headers: v1)
            let r1 = first.events.compactMap { $0["result"] }
            #expect(state(r1.last) == "TASK_STATE_INPUT_REQUIRED")
            #expect(r1.last?["statusUpdate"]?["status"]?["message"]?["parts"]?[0]?["text"] == "Which topic?")
            // The chunk before the question was sent, and the artifact was left open.
            #expect(artifactText(r1) == "before ")
            #expect(r1.compactMap { $0["artifactUpdate"] }.allSatisfy { $0["lastChunk"] == nil })
            let taskId = try #require(r1.first?["task"]?["id"]?.stringValue)
            let contextId = try #require(r1.first?["task"]?["contextId"]?.stringValue)

            // While it waits the task reads input-required, and there is nothing to subscribe to.
            let got = try await post(url + "/", rpc("GetTask", ["id": .string(taskId)]), headers: v1)
            #expect(got.json["result"]?["status"]?["state"] == "TASK_STATE_INPUT_REQUIRED")
            let sub = try await post(url + "/", rpc("SubscribeToTask", ["id": .string(taskId)]), headers: v1)
            #expect(sub.json["error"]?["code"] == -32004)

            let second = try await post(url + "/", rpc("SendStreamingMessage", ["message": message10("robots", taskId: taskId, contextId: contextId)]), headers: v1)
            let r2 = second.events.compactMap { $0["result"] }
            // The new stream opens with the task as it stands: working, both messages in its history.
            #expect(r2.first?["task"]?["id"]?.stringValue == taskId)
            #expect(state(r2.first) == "TASK_STATE_WORKING")
            #expect(r2.first?["task"]?["history"]?.arrayValue?.count == 2)
            #expect(artifactText(r2) == "after robots")
            #expect(r2.compactMap { $0["artifactUpdate"] }.allSatisfy { $0["append"] == true })
            #expect(state(r2.last) == "TASK_STATE_COMPLETED")

            let done = try await post(url + "/", rpc("GetTask", ["id": .string(taskId)]), headers: v1)
            #expect(done.json["result"]?["artifacts"]?[0]?["parts"]?[0]?["text"] == "before after robots")
            #expect(agent.errors.withLock { $0 }.isEmpty)
        }
    }

    @Test func blockingSendsAnswerAtTheQuestionAndAtTheEnd() async throws {
        try await withServer(agent: AskingAgent()) { _, url in
            let first = try await post(url + "/", rpc("message/send", ["message": message03("go")]))
            #expect(first.json["result"]?["status"]?["state"] == "input-required")
            let taskId = try #require(first.json["result"]?["id"]?.stringValue)
            let second = try await post(url + "/", rpc("message/send", ["message": message03("cats", taskId: taskId)]))
            #expect(second.json["result"]?["status"]?["state"] == "completed")
            #expect(second.json["result"]?["artifacts"]?[0]?["parts"]?[0]?["text"] == "before after cats")
        }
    }

    @Test func cancelWhileWaitingCancelsTheAgent() async throws {
        let agent = AskingAgent()
        try await withServer(agent: agent) { _, url in
            let first = try await post(url + "/", rpc("SendMessage", ["message": message10("go")]), headers: v1)
            let taskId = try #require(first.json["result"]?["task"]?["id"]?.stringValue)
            #expect(first.json["result"]?["task"]?["status"]?["state"] == "TASK_STATE_INPUT_REQUIRED")
            let cancel = try await post(url + "/", rpc("CancelTask", ["id": .string(taskId)]), headers: v1)
            #expect(cancel.json["result"]?["status"]?["state"] == "TASK_STATE_CANCELED")
            #expect(await agent.cancelled.wait(timeout: .seconds(20)))
            // The answer comes too late: the task is terminal.
            let late = try await post(url + "/", rpc("SendMessage", ["message": message10("x", taskId: taskId)]), headers: v1)
            #expect(late.json["error"]?["code"] == -32004)
        }
    }

    @Test func noAnswerWithinTheInputTimeoutFailsTheTask() async throws {
        let agent = AskingAgent()
        let configuration = A2AServerConfiguration(inputTimeout: .milliseconds(300))
        try await withServer(agent: agent, configuration: configuration) { _, url in
            let first = try await post(url + "/", rpc("SendMessage", ["message": message10("go")]), headers: v1)
            let taskId = try #require(first.json["result"]?["task"]?["id"]?.stringValue)
            var final: JSONValue?
            for _ in 0..<200 {
                let got = try await post(url + "/", rpc("GetTask", ["id": .string(taskId)]), headers: v1)
                if got.json["result"]?["status"]?["state"] == "TASK_STATE_FAILED" {
                    final = got.json["result"]
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let text = final?["status"]?["message"]?["parts"]?[0]?["text"]?.stringValue ?? ""
            #expect(text.contains("no answer to the input-required question arrived within"), "\(final.map { "\($0)" } ?? "still not failed")")
            #expect(agent.errors.withLock { $0 }.count == 1)
        }
    }
}

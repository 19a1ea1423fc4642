import A2A
import A2AClient
import PeerSupport
import Testing

/// A connection the agent closes without a reply (what a server closing an idle keep-alive
/// connection looks like to a client reusing it): reads are asked once more, writes never.
@Suite("Lost connections", .timeLimit(.minutes(2)))
struct ConnectionLossTests {
    @Test("GetTask is asked again on a fresh connection; CancelTask is not repeated")
    func readsRetryOnceWritesNever() async throws {
        try await withPeer(.fault(.closefirst)) { peer in
            let client = A2AClient(url: peer.url, configuration: .init(dialect: .v1_0, idleTimeout: .seconds(30)))
            // POST 1 is closed, POST 2 (the retry) answers.
            let task = try await client.getTask(id: "t-7")
            #expect(task.id == "t-7" && task.status.state == .working)
            // POST 3 is closed, and a cancel is not sent twice.
            let error = await #expect(throws: A2AClientError.self) { _ = try await client.cancelTask(id: "t-7") }
            if case .connectionLost? = error?.kind {} else { Issue.record("expected a lost connection, got \(String(describing: error))") }
            // The server's own log: the order of what it did.
            let log = peer.stderrText().split(separator: "\n").filter { $0.hasSuffix(" closed") || $0.hasSuffix(" answered") }
                .map { String($0.drop { $0 != "P" }) }
            #expect(log == ["POST 1 GetTask closed", "POST 2 GetTask answered", "POST 3 CancelTask closed"], "\(log)")
        }
    }
}

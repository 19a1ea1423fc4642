import Foundation
import PeerSupport
import Testing

/// `a2a-pipe call`, `card` and `task` as a user runs them, against real peers.
@Suite("a2a-pipe call/card/task", .timeLimit(.minutes(5)))
struct CallCommandTests {
    static let agentPeers: [PeerKind] = [.sdk13, .sdk13Compat, .sdk03, .pythonA2A]

    static func dialectName(_ kind: PeerKind) -> String {
        switch kind {
        case .sdk13, .sdk13Compat: "a2a-1.0"
        case .sdk03: "a2a-0.3"
        default: "python-a2a"
        }
    }

    @Test("card shows the agent and the dialect, named as --protocol names it", arguments: agentPeers)
    func card(kind: PeerKind) async throws {
        try await withPeer(kind) { peer in
            let r = try await CLI.run("card", peer.url)
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(r.stdout.contains("dialect:"))
            #expect(r.stdout.contains("\(Self.dialectName(kind)) at "))
            #expect(r.stdout.contains("streaming:"))
            let json = try await CLI.run("card", peer.url, "--json")
            #expect(json.exitCode == 0)
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["dialect"] as? String == Self.dialectName(kind))
            #expect((object?["card"] as? [String: Any])?["name"] != nil)
        }
    }

    @Test("call streams the reply text to stdout", arguments: agentPeers)
    func call(kind: PeerKind) async throws {
        try await withPeer(kind) { peer in
            let r = try await CLI.run("call", peer.url, "the quick brown fox")
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(r.stdout == "the quick brown fox ")
            let blocking = try await CLI.run("call", peer.url, "not streamed", "--no-stream")
            #expect(blocking.exitCode == 0, "\(blocking.stderr)")
            #expect(blocking.stdout == (kind == .pythonA2A ? "NOT STREAMED" : "not streamed "))
        }
    }

    @Test("call --json prints one JSON event per line")
    func callJSON() async throws {
        try await withPeer(.sdk13) { peer in
            let r = try await CLI.run("call", peer.url, "a b", "--json")
            #expect(r.exitCode == 0, "\(r.stderr)")
            let lines = r.stdout.split(separator: "\n")
            #expect(lines.count >= 4)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?.keys.count == 1, "one wrapper member per event: \(line)")
            }
            #expect(lines.first?.hasPrefix("{\"task\":") == true)
            #expect(lines.last?.contains("TASK_STATE_COMPLETED") == true)
        }
    }

    @Test("call --detach prints a task id; task get and watch read it", arguments: [PeerKind.sdk13, .sdk03])
    func detachThenGet(kind: PeerKind) async throws {
        try await withPeer(kind) { peer in
            let started = try await CLI.run("call", peer.url, "slow:0.2 detached task words", "--detach")
            #expect(started.exitCode == 0, "\(started.stderr)")
            let id = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!id.isEmpty && !id.contains(" "))
            let watched = try await CLI.run("task", "watch", peer.url, id)
            #expect(watched.exitCode == 0, "\(watched.stderr)")
            #expect(watched.stdout == "detached task words ")
            let got = try await CLI.run("task", "get", peer.url, id)
            #expect(got.exitCode == 0)
            #expect(got.stderr.contains("completed"))
            #expect(got.stdout == "detached task words \n")
        }
    }

    @Test("task cancel cancels a running task at the agent")
    func taskCancel() async throws {
        try await withPeer(.sdk13) { peer in
            let started = try await CLI.run("call", peer.url, "long", "--detach")
            let id = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let canceled = try await CLI.run("task", "cancel", peer.url, id)
            #expect(canceled.exitCode == 0, "\(canceled.stderr)")
            #expect(canceled.stdout == "task \(id): canceled\n")
            let again = try await CLI.run("task", "cancel", peer.url, id)
            #expect(again.exitCode == 1)
            #expect(again.errorLines.count == 1)
            #expect(again.stderr.contains("-32002"))
        }
    }

    @Test("an agent error exits 1 with one clear line", arguments: [PeerKind.sdk13, .sdk13Compat])
    func agentError(kind: PeerKind) async throws {
        try await withPeer(kind) { peer in
            let r = try await CLI.run("call", peer.url, "fail:disk on fire")
            #expect(r.exitCode == 1)
            #expect(r.stdout == "partial ")
            #expect(r.errorLines.count == 1, "\(r.stderr)")
            #expect(r.stderr.hasPrefix("error: "))
            #expect(r.stderr.contains(peer.url))
        }
    }

    // MARK: Failures a new user meets

    @Test("a wrong URL gives one clear line and exit 1")
    func wrongURL() async throws {
        // A port nothing listens on: bind one, note it, close it.
        let r = try await CLI.run("call", "http://127.0.0.1:1", "hi")
        #expect(r.exitCode == 1)
        #expect(r.errorLines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("http://127.0.0.1:1"))
        #expect(r.stderr.contains("cannot reach the agent"))
        let card = try await CLI.run("card", "http://127.0.0.1:1")
        #expect(card.exitCode == 1)
        #expect(card.errorLines.count == 1)
    }

    @Test("a server that is not an A2A agent gives one clear line and exit 1")
    func notA2A() async throws {
        try await withPeer(.fault(.html)) { peer in
            let r = try await CLI.run("call", peer.url, "hi")
            #expect(r.exitCode == 1)
            #expect(r.errorLines.count == 1, "\(r.stderr)")
            #expect(r.stderr.contains("no A2A agent card found"))
            #expect(r.stderr.contains(peer.url))
        }
    }

    @Test("a server that drops the connection mid-stream gives one clear line and exit 1")
    func dropMidStream() async throws {
        try await withPeer(.fault(.drop)) { peer in
            let r = try await CLI.run("call", peer.url, "hi")
            #expect(r.exitCode == 1)
            #expect(r.stdout == "partial ")
            #expect(r.errorLines.count == 1, "\(r.stderr)")
            #expect(r.stderr.contains("connection closed"))
        }
    }

    @Test("a server answering HTTP 500 gives one clear line and exit 1")
    func http500() async throws {
        try await withPeer(.fault(.error500)) { peer in
            let r = try await CLI.run("call", peer.url, "hi")
            #expect(r.exitCode == 1)
            #expect(r.errorLines.count == 1, "\(r.stderr)")
            #expect(r.stderr.contains("HTTP 500"))
        }
    }

    @Test("a stalled stream ends at the idle bound, but keep-alives keep it open")
    func stall() async throws {
        try await withPeer(.fault(.stall), environment: ["STALL_KEEPALIVE_SECONDS": "2"]) { peer in
            // Keep-alives every 0.2 s for 2 s, then silence: an idle bound of 1 s must not fire
            // during the keep-alives (2 s > 1 s), and must fire after them.
            let start = ContinuousClock.now
            let r = try await CLI.run("call", peer.url, "hi", "--idle-timeout", "1")
            let elapsed = ContinuousClock.now - start
            #expect(r.exitCode == 1)
            #expect(r.stderr.contains("no data from the agent for 1 s"))
            #expect(elapsed >= .seconds(2), "the bound fired during keep-alives")
        }
    }

    @Test("malformed events are skipped; the rest of the stream is delivered")
    func malformed() async throws {
        try await withPeer(.fault(.malformed)) { peer in
            let r = try await CLI.run("call", peer.url, "hi")
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(r.stdout == "ok ")
        }
    }

    @Test("bad usage exits 2")
    func badUsage() async throws {
        let r = try await CLI.run("call", "not-a-url", "hi")
        #expect(r.exitCode == 2)
        let unknown = try await CLI.run("call", "http://127.0.0.1:1", "hi", "--protocol", "a2a-9")
        #expect(unknown.exitCode == 2)
    }
}

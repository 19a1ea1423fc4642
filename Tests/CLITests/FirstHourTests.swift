import Foundation
import PeerSupport
import Testing

/// The defects a new user met in their first hour (issue 13): each is a command line as the
/// README gives it, run end to end.
@Suite("a2a-pipe: first-hour defects", .timeLimit(.minutes(3)))
struct FirstHourTests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("first-hour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("an llm server that is not running is one short line naming the stage, the URL and the cause")
    func llmConnectionRefused() async throws {
        let port = try freePort()  // free a moment ago: nothing listens there
        let file = try RunPipelines.write("""
            name: llmfail
            agents:
              critic: { builtin: llm, with: { base_url: "http://127.0.0.1:\(port)/v1", model: tiny } }
            stages:
              - id: critique
                agent: critic
                retry: { attempts: 3, backoff: 10ms }
            """)
        let r = try await runCLI(["run", file, "--input", "x", "--output", "plain"])
        #expect(r.exitCode == 1)
        let errors = r.errorLines.filter { $0.hasPrefix("error:") }
        let line = try #require(errors.first, "\(r.stderr)")
        #expect(errors.count == 1)
        #expect(line.contains("stage 'critique'"), "\(line)")
        #expect(line.contains("llm at http://127.0.0.1:\(port)/v1"), "\(line)")
        #expect(line.contains("connection refused at 127.0.0.1:\(port) — is the server running?"), "\(line)")
        #expect(line.contains("attempt 3 of 3"), "\(line)")
        #expect(!r.stderr.contains("NSError") && !r.stderr.contains("UserInfo"), "\(r.stderr)")
        #expect(line.count < 250, "\(line)")
    }

    @Test("a leading ~ in a path setting is the home folder, in the file and in --set")
    func tildeInPathSettings() async throws {
        let home = try Self.folder()
        let notes = home.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
        try "Zebras graze on the savanna in large herds.".write(to: notes.appendingPathComponent("zebra.md"), atomically: true, encoding: .utf8)
        let file = try RunPipelines.write("""
            name: tilde
            params:
              corpus: "~/notes"
            agents:
              finder: { builtin: search, with: { corpus: "{{ params.corpus }}" } }
            stages:
              - id: find
                agent: finder
            """)
        // The file's own value, then --set with a quoted ~ (no shell expansion).
        for extra in [[], ["--set", "corpus=~/notes"]] {
            let r = try await runCLI(["run", file, "--input", "zebras", "--output", "quiet"] + extra,
                                     environment: ["HOME": home.path, "A2A_PIPE_CACHE_DIR": home.appendingPathComponent("cache").path])
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(r.stdout.contains("zebra.md"), "\(extra): \(r.stdout) \(r.stderr)")
        }
    }

    @Test("a second run reads the search index the first one stored, and a changed corpus is re-indexed")
    func searchIndexIsKeptOnDisk() async throws {
        let dir = try Self.folder()
        let corpus = dir.appendingPathComponent("corpus"), cache = dir.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try "# Zebra\n\nZebras graze on the savanna.".write(to: corpus.appendingPathComponent("zebra.md"), atomically: true, encoding: .utf8)
        let file = try RunPipelines.write("""
            name: find
            agents:
              finder: { builtin: search, with: { corpus: "\(corpus.path)" } }
            stages:
              - id: find
                agent: finder
            """)
        func run() async throws -> CLI.Result {
            try await runCLI(["run", file, "--input", "zebras", "--output", "quiet"], environment: ["A2A_PIPE_CACHE_DIR": cache.path])
        }
        func stored() throws -> (name: String, inode: Int) {
            let names = try FileManager.default.contentsOfDirectory(atPath: cache.path)
            try #require(names.count == 1, "\(names)")
            let attributes = try FileManager.default.attributesOfItem(atPath: cache.appendingPathComponent(names[0]).path)
            return (names[0], (attributes[.systemFileNumber] as? Int) ?? -1)
        }
        let first = try await run()
        #expect(first.exitCode == 0 && first.stdout.contains("zebra.md"), "\(first.stderr)")
        let afterFirst = try stored()
        // The second run finds the index and does not write it again (the same file, not a rename).
        let second = try await run()
        #expect(second.stdout == first.stdout)
        #expect(try stored() == afterFirst)
        // A new file: the stored index is stale, so the run re-indexes (a new file replaces it).
        try "# Okapi\n\nThe okapi is a zebra-striped giraffe.".write(to: corpus.appendingPathComponent("okapi.md"), atomically: true, encoding: .utf8)
        let third = try await run()
        #expect(third.stdout.contains("okapi.md"), "\(third.stdout)")
        #expect(try stored().inode != afterFirst.inode)
    }
}

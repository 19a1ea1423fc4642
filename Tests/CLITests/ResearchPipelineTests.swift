import Foundation
import PeerSupport
import Testing

/// The README's main command: the offline research pipeline over examples/corpus, with no
/// network and no API key, must cite the documents a person would expect.
@Suite("pipelines/research.yaml", .timeLimit(.minutes(3)))
struct ResearchPipelineTests {
    static var pipeline: String {
        get throws { try PythonEnvironment.packageRoot().appendingPathComponent("pipelines/research.yaml").path }
    }

    /// Questions and documents that must be among the sources cited.
    static let cases: [(question: String, expected: [String])] = [
        ("how do I merge two async sequences", ["swift/swift-async-algorithms/Sources/AsyncAlgorithms/AsyncAlgorithms.docc/Guides/Merge.md"]),
        ("what is an asyncio queue", ["python/library/asyncio-queue.html"]),
        ("graceful shutdown of services on SIGTERM", ["swift/swift-service-lifecycle/README.md"]),
    ]

    @Test("the report cites the expected documents", arguments: 0..<3)
    func citesExpectedDocuments(index: Int) async throws {
        let (question, expected) = Self.cases[index]
        let r = try await CLI.run("run", try Self.pipeline, "--input", question, "--output", "quiet")
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("# \(question)\n"))
        let sources = r.stdout.split(separator: "\n").filter { $0.hasPrefix("Source: `") }
            .map { $0.dropFirst("Source: `".count).dropLast() }.map(String.init)
        #expect(sources.count == 5, "five hits by default: \(sources)")
        for document in expected {
            #expect(sources.contains(document), "\(question): \(sources)")
        }
        // Every cited path is a real file of the corpus, and every section has a summary.
        let corpus = try PythonEnvironment.packageRoot().appendingPathComponent("examples/corpus")
        for source in sources {
            #expect(FileManager.default.fileExists(atPath: corpus.appendingPathComponent(source).path), "\(source)")
        }
        #expect(r.stdout.components(separatedBy: "\n## ").count - 1 == 5)
    }

    @Test("--set corpus=DIR searches another folder (relative to the current directory)")
    func otherCorpus() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "# Tides\n\nTides are driven by the moon. The moon pulls the oceans. Spring tides are strongest.\n"
            .write(to: dir.appendingPathComponent("tides.md"), atomically: true, encoding: .utf8)
        try "# Bread\n\nBread rises because yeast makes gas. Knead the dough well. Bake it hot.\n"
            .write(to: dir.appendingPathComponent("bread.md"), atomically: true, encoding: .utf8)
        let r = try await CLI.run("run", try Self.pipeline, "--input", "why do tides happen", "--set", "corpus=\(dir.path)", "--set", "hits=1", "--output", "quiet")
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Source: `tides.md`"))
        #expect(r.stdout.contains("moon"))
        #expect(!r.stdout.contains("bread.md"))
    }
}

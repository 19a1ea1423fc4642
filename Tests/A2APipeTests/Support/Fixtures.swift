import A2APipe
import Foundation

/// Locates the test fixtures and loads them with a fixed environment.
enum Fixtures {
    /// `Fixtures/` in the test bundle.
    static var root: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    }

    static var valid: URL { root.appendingPathComponent("valid") }
    static var invalid: URL { root.appendingPathComponent("invalid") }

    /// The repository's `pipelines/` folder (it may not exist).
    static var repositoryPipelines: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // A2APipeTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository
            .appendingPathComponent("pipelines")
    }

    /// The repository root.
    static var repository: URL { repositoryPipelines.deletingLastPathComponent() }

    /// The environment the fixtures are validated with (`MISSING_TOKEN` is deliberately absent).
    static let environment = [
        "WRITER_TOKEN": "s3cret-writer-token",
        "HOME_DIR": "/home/tester",
        "API_KEY": "s3cret-api-key",
        "HOME": "/home/tester",
        // pipelines/research-llm.yaml reads these; the real values come from the user's shell.
        "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1",
        "OPENAI_MODEL": "llama3.2",
    ]

    /// The `.yaml` files directly inside a folder, sorted by name.
    static func yamlFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { folder.appendingPathComponent($0) }
    }

    static func names(in folder: URL) -> [String] {
        yamlFiles(in: folder).map(\.lastPathComponent)
    }

    /// Loads a file and returns its diagnostics as printed, with `folder/` removed from paths.
    static func diagnosticLines(_ file: URL, relativeTo folder: URL, overrides: [String: String] = [:]) -> (PipelineLoadResult, [String]) {
        let result = PipelineLoader().load(path: file.path, overrides: overrides, environment: environment)
        let prefix = folder.path + "/"
        let lines = result.diagnostics.map { $0.description.replacingOccurrences(of: prefix, with: "") }
        return (result, lines)
    }
}

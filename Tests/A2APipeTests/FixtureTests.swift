import A2APipe
import Foundation
import Testing

/// Every file in `Fixtures/valid` (and the repository's `pipelines/`) validates
/// cleanly; every file in `Fixtures/invalid` produces exactly the diagnostics
/// in its sibling `.expected` file.
@Suite struct FixtureTests {
    @Test(arguments: Fixtures.names(in: Fixtures.valid))
    func validFixtureHasNoDiagnostics(_ name: String) {
        let (result, lines) = Fixtures.diagnosticLines(Fixtures.valid.appendingPathComponent(name), relativeTo: Fixtures.valid)
        #expect(lines == [])
        #expect(result.isValid)
        #expect(result.plan != nil)
    }

    @Test func repositoryPipelinesValidate() {
        // The folder may not exist yet; every .yaml in it must validate when it does.
        var environment = ProcessInfo.processInfo.environment
        environment.merge(Fixtures.environment) { current, _ in current }
        for file in Fixtures.yamlFiles(in: Fixtures.repositoryPipelines) {
            let result = PipelineLoader().load(path: file.path, environment: environment)
            #expect(result.errors.map(\.description) == [], "\(file.lastPathComponent)")
        }
    }

    @Test(arguments: Fixtures.names(in: Fixtures.invalid))
    func invalidFixtureReportsExpectedDiagnostics(_ name: String) throws {
        let file = Fixtures.invalid.appendingPathComponent(name)
        let expectedFile = file.deletingPathExtension().appendingPathExtension("expected")
        let expected = try String(contentsOf: expectedFile, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let (_, lines) = Fixtures.diagnosticLines(file, relativeTo: Fixtures.invalid)
        #expect(lines == expected, "actual:\n\(lines.joined(separator: "\n"))")
        #expect(!lines.isEmpty)
    }

    @Test func everyInvalidFixtureHasAnExpectedFile() {
        for file in Fixtures.yamlFiles(in: Fixtures.invalid) {
            let expected = file.deletingPathExtension().appendingPathExtension("expected")
            #expect(FileManager.default.fileExists(atPath: expected.path), "\(file.lastPathComponent)")
        }
    }

    /// Messages are for people: one line (hint included), no Swift type
    /// names, no secrets.
    @Test func messagesAreReadable() {
        for file in Fixtures.yamlFiles(in: Fixtures.invalid) {
            let (_, lines) = Fixtures.diagnosticLines(file, relativeTo: Fixtures.invalid)
            for line in lines {
                #expect(!line.contains("\n"))
                for banned in ["Optional(", "Swift.", "Yams.", "Located<", "SyntaxNode", "YamlError", "s3cret"] {
                    #expect(!line.contains(banned), "\(line)")
                }
                #expect(line.contains(": error: ") || line.contains(": warning: "))
            }
        }
    }

    /// Every error kind the issue lists has an invalid fixture.
    @Test func invalidFixturesCoverEveryErrorKind() {
        var all: [String] = []
        for file in Fixtures.yamlFiles(in: Fixtures.invalid) {
            all += Fixtures.diagnosticLines(file, relativeTo: Fixtures.invalid).1
        }
        let text = all.joined(separator: "\n")
        let kinds = [
            "invalid YAML", "unknown key", "expected a list of stage ids", "unknown agent", "unknown stage",
            "unknown param", "unknown template variable", "unclosed '{{'", "duplicate stage id", "cycle:",
            "cannot iterate over itself", "invalid duration", "'retry.attempts' must be at least 1",
            "'concurrency' must be at least 1", "says neither url, builtin nor pipeline", "has both",
            "unknown builtin agent", "in with: of builtin", "environment variable 'MISSING_TOKEN' is not set",
            "output names unknown stage", "'output' is empty", "warning: stage 'unused' is unreachable",
            "includes itself", "nested/bad-child.yaml:",
        ]
        for kind in kinds {
            #expect(text.contains(kind), "no fixture reports \(kind)")
        }
    }
}

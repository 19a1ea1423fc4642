import A2APipe
import ArgumentParser
import Foundation

/// `a2a-pipe validate FILE...`: checks pipeline files without running them.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline files without running them.",
        discussion: """
            Prints every problem as FILE:LINE:COLUMN: error: MESSAGE (or warning:) on \
            stderr, and one status line per file on stdout. Files nested with \
            'pipeline:' are checked too. Exits 0 when every file is valid (warnings \
            do not fail), 2 otherwise.
            """
    )

    @Argument(help: "The pipeline files to check.")
    var files: [String]

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a param, as name=value (repeatable).", valueName: "name=value"))
    var settings: [String] = []

    func run() async throws {
        let overrides: [String: String]
        do {
            overrides = try ParamOverrides.parse(settings)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        var invalid = 0
        for file in files {
            let result = PipelineLoader().load(path: file, overrides: overrides)
            for diagnostic in result.diagnostics {
                FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
            }
            let errors = result.errors.count
            let warnings = result.warnings.count
            var status = result.isValid ? "ok" : (errors == 1 ? "1 error" : "\(errors) errors")
            if warnings > 0 { status += warnings == 1 ? ", 1 warning" : ", \(warnings) warnings" }
            print("\(file): \(status)")
            if !result.isValid { invalid += 1 }
        }
        if invalid > 0 {
            throw ExitCode(2)
        }
    }
}

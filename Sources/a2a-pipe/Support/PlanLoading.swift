import A2APipe
import ArgumentParser

/// Loads and validates a pipeline file for a command: prints every diagnostic on stderr as
/// `file:line:col: error: …` and exits 2 when the file is invalid.
func loadPlan(file: String, overrides settings: [String]) throws -> Plan {
    let overrides: [String: String]
    do {
        overrides = try ParamOverrides.parse(settings)
    } catch {
        Terminal.error("error: \(error)")
        throw ExitCode(2)
    }
    let loaded = PipelineLoader().load(path: file, overrides: overrides)
    for diagnostic in loaded.diagnostics {
        Terminal.err(diagnostic.description + "\n")
    }
    guard loaded.isValid, let plan = loaded.plan else { throw ExitCode(2) }
    return plan
}

import A2APipe
import A2AServer
import ArgumentParser
import Foundation
import Logging

/// Options shared by the commands that serve an agent (`serve`, `agent`): auth, limits,
/// logging.
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("auth-token-env"), help: ArgumentHelp(
        "Require a bearer token: the environment variable VAR holds one or more comma-separated tokens (repeatable). The card stays public.",
        valueName: "VAR"))
    var authTokenVariables: [String] = []

    @Option(name: .customLong("max-request-body"), help: ArgumentHelp("The largest request body accepted (bytes, or with KiB/MiB/GiB); larger ones get HTTP 413.", valueName: "size"))
    var maxRequestBody: ByteSize = ByteSize(4 << 20)

    @Option(name: .customLong("max-concurrent-runs"), help: "The most task runs at once; a new task beyond it gets HTTP 503 (busy) at once.")
    var maxConcurrentRuns = 256

    @Option(name: .customLong("input-timeout"), help: ArgumentHelp(
        "How long a task that asked a question (input-required) waits for the answer before it fails, e.g. 90s, 30m, 2h.",
        valueName: "duration"))
    var inputTimeout = "30m"

    @Flag(name: .customLong("verbose"), help: "Log at debug level, every request with its headers (credentials redacted) on stderr.")
    var verbose = false

    func validate() throws {
        guard maxRequestBody.bytes > 0 else { throw ValidationError("--max-request-body must be positive") }
        guard maxConcurrentRuns > 0 else { throw ValidationError("--max-concurrent-runs must be positive") }
        _ = try inputWait
    }

    /// `--input-timeout` as a duration.
    var inputWait: Duration {
        get throws {
            guard let d = DurationFormat.parse(inputTimeout), d > .zero else {
                throw ValidationError("--input-timeout must be a duration such as 90s, 30m or 2h, not '\(inputTimeout)'")
            }
            return d
        }
    }

    /// The tokens from the `--auth-token-env` variables, or `nil` when none is named.
    /// A variable that is unset or empty is an error on stderr (naming it) and exit 2.
    func tokens(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> BearerTokens? {
        guard !authTokenVariables.isEmpty else { return nil }
        do {
            return try BearerTokens(environmentVariables: authTokenVariables, environment: environment)
        } catch {
            Terminal.error("error: \(error.description)")
            throw ExitCode(2)
        }
    }

    /// The server configuration for `host` and `port` with these options.
    func configuration(host: String, port: Int) throws -> A2AServerConfiguration {
        var configuration = A2AServerConfiguration(host: host, port: port)
        configuration.authentication = try tokens()
        configuration.maxRequestBodyBytes = maxRequestBody.bytes
        configuration.maxConcurrentRuns = maxConcurrentRuns
        configuration.inputTimeout = try inputWait
        return configuration
    }

    /// A logger at warning level, or debug with `--verbose`.
    func logger(label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = verbose ? .debug : .warning
        return logger
    }
}

/// A size in bytes, written as a number with an optional unit: `1048576`, `512KiB`, `4MiB`,
/// `1GiB` (`K`, `M`, `G`, `KB`, `MB`, `GB` are binary too).
struct ByteSize: ExpressibleByArgument, Sendable, Equatable {
    var bytes: Int

    init(_ bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        let digits = text.prefix { $0.isNumber }
        guard let number = Int(digits) else { return nil }
        let multiplier: Int
        switch text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased() {
        case "", "b": multiplier = 1
        case "k", "kb", "kib": multiplier = 1 << 10
        case "m", "mb", "mib": multiplier = 1 << 20
        case "g", "gb", "gib": multiplier = 1 << 30
        default: return nil
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        bytes = value
    }

    var defaultValueDescription: String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20)MiB" }
        if bytes % (1 << 10) == 0 { return "\(bytes >> 10)KiB" }
        return "\(bytes)"
    }
}

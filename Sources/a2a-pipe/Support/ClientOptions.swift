import A2A
import A2AClient
import ArgumentParser
import Foundation

/// Options shared by every command that talks to an agent.
struct ClientOptions: ParsableArguments {
    @Option(name: .customLong("protocol"), help: "Dialect: auto, a2a-1.0, a2a-0.3 or python-a2a.")
    var dialect: DialectOption = .auto

    @Option(name: .customLong("header"), help: ArgumentHelp("An HTTP header for every request, as 'Name: value' (repeatable).", valueName: "header"))
    var headers: [String] = []

    @Option(name: .customLong("token-env"), help: ArgumentHelp("Send 'Authorization: Bearer <token>' with the token read from the environment variable VAR (never from the command line).", valueName: "VAR"))
    var tokenVariable: String?

    @Option(name: .customLong("idle-timeout"), help: "Longest silence allowed from the agent, in seconds.")
    var idleTimeout: Double = 60

    func makeClient(url: String) throws -> A2AClient {
        var parsed: [(name: String, value: String)] = []
        for header in headers {
            guard let colon = header.firstIndex(of: ":") else {
                throw ValidationError("a header must look like 'Name: value', got '\(header)'")
            }
            parsed.append((String(header[..<colon]).trimmingCharacters(in: .whitespaces),
                           String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        if let tokenVariable {
            let token = (ProcessInfo.processInfo.environment[tokenVariable] ?? "").trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty else {
                throw ValidationError("the environment variable \(tokenVariable) (from --token-env) is not set or empty")
            }
            parsed.append((name: "Authorization", value: "Bearer \(token)"))
        }
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be positive") }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ValidationError("the agent URL must start with http:// or https://, got '\(url)'")
        }
        let config = A2AClientConfiguration(
            dialect: dialect.dialect,
            headers: parsed,
            idleTimeout: .milliseconds(Int64(idleTimeout * 1000))
        )
        return A2AClient(url: url, configuration: config)
    }
}

/// `--protocol` values.
enum DialectOption: String, ExpressibleByArgument, CaseIterable {
    case auto
    case v1_0 = "a2a-1.0"
    case v0_3 = "a2a-0.3"
    case pythonA2A = "python-a2a"

    var dialect: ProtocolDialect? {
        switch self {
        case .auto: nil
        case .v1_0: .v1_0
        case .v0_3: .v0_3
        case .pythonA2A: .pythonA2A
        }
    }
}

import Foundation

/// Runs a command body that talks to agents: errors become one line on stderr and exit 1.
func runReportingErrors(_ body: @escaping @Sendable () async throws -> Void, onInterrupt: @escaping @Sendable () async -> Void = {}) async throws {
    do {
        try await Interrupt.run(body, onInterrupt: onInterrupt)
    } catch let exit as Exit {
        throw ExitCode(exit.code)
    } catch let error as A2AClientError {
        Terminal.error("error: \(error)")
        throw ExitCode(1)
    } catch let error as ValidationError {
        throw error
    } catch {
        Terminal.error("error: \(error)")
        throw ExitCode(1)
    }
}

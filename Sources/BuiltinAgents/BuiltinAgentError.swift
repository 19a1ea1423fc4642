/// A built-in agent could not be made.
public enum BuiltinAgentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No built-in agent has this name.
    case unknownAgent(String, known: [String])
    /// A setting key the agent does not take.
    case unknownSetting(agent: String, key: String, known: [String])
    /// A malformed setting.
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .unknownAgent(let name, let known):
            "unknown built-in agent '\(name)'; the built-in agents are: \(known.joined(separator: ", "))"
        case .unknownSetting(let agent, let key, let known):
            known.isEmpty
                ? "agent '\(agent)' takes no settings (got '\(key)')"
                : "agent '\(agent)' has no setting '\(key)'; it takes: \(known.joined(separator: ", "))"
        case .invalidSetting(let message):
            "invalid setting: \(message)"
        }
    }
}

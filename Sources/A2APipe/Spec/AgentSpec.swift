/// One entry of `agents:`: how to reach an agent.
public struct AgentSpec: Sendable {
    /// The agent's id (its key under `agents:`).
    public var id: Located<String>
    /// `url:`, `builtin:` or `pipeline:`; `nil` if the file gives none or several.
    public var source: Located<AgentSource>?
    /// `with:`: settings for a builtin agent, or param values for a nested pipeline.
    public var with: Located<[ConfigEntry]>?
    /// `protocol:`.
    public var `protocol`: Located<AgentProtocol>?
    /// `headers:` sent with every request to a `url` agent.
    public var headers: [HeaderSpec]
    /// `launch:`: the argv of a process that serves the agent.
    public var launch: Located<[Located<String>]>?
    /// `launch_timeout:`: how long to wait for a launched agent to answer.
    public var launchTimeout: Located<Duration>?
    /// Where the agent's definition starts.
    public var location: SourceLocation

    /// Creates an agent with only an id.
    public init(id: Located<String>, location: SourceLocation) {
        self.id = id
        self.location = location
        self.headers = []
    }

    /// The keys an agent accepts.
    public static let keys = ["url", "builtin", "pipeline", "with", "protocol", "headers", "launch", "launch_timeout"]
}

/// Where an agent comes from.
public enum AgentSource: Sendable, Hashable {
    /// A remote A2A agent; the URL may use `${VAR}` and `{{ params.X }}`.
    case url(Template)
    /// An in-process agent from the ``BuiltinAgentCatalog``.
    case builtin(String)
    /// Another pipeline file, run in-process; the path as written (relative to this file).
    case pipeline(String)
}

/// The wire dialect to speak to a `url` agent.
public enum AgentProtocol: String, Sendable, Hashable, CaseIterable {
    /// Read the agent card and choose.
    case auto
    /// A2A 1.0.
    case a2a10 = "a2a-1.0"
    /// A2A 0.3.
    case a2a03 = "a2a-0.3"
    /// The python-a2a library's dialect.
    case pythonA2A = "python-a2a"
}

/// One HTTP header of a `url` agent.
public struct HeaderSpec: Sendable, Hashable {
    /// The header name.
    public var name: Located<String>
    /// The value; may use `${VAR}` and `{{ params.X }}`.
    public var value: Located<Template>

    /// Creates a header.
    public init(name: Located<String>, value: Located<Template>) {
        self.name = name
        self.value = value
    }
}

/// One key of a `with:` mapping.
public struct ConfigEntry: Sendable, Hashable {
    /// The key.
    public var key: Located<String>
    /// The value.
    public var value: Located<ConfigValue>

    /// Creates an entry.
    public init(key: Located<String>, value: Located<ConfigValue>) {
        self.key = key
        self.value = value
    }
}

/// A value under `with:`. Strings are templates (`{{ params.X }}`, `${VAR}`).
public indirect enum ConfigValue: Sendable, Hashable {
    /// Text, possibly with placeholders.
    case string(Template)
    /// A whole number.
    case integer(Int)
    /// A number with a fraction.
    case number(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// `null` or nothing.
    case null
    /// A list.
    case list([Located<ConfigValue>])
    /// A mapping.
    case map([ConfigEntry])

    /// How the value is named in messages.
    var kindDescription: String {
        switch self {
        case .string: "a string"
        case .integer, .number: "a number"
        case .boolean: "a boolean"
        case .null: "null"
        case .list: "a list"
        case .map: "a mapping"
        }
    }
}

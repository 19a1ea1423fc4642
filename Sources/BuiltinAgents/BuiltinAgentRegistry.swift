import A2A

/// The built-in agents by name: how to make each, what it does, and the settings it takes.
///
/// The CLI lists them (`a2a-pipe agent --list`) and serves one (`a2a-pipe agent NAME`); a
/// pipeline engine makes them in-process from a stage's `with:` map.
public struct BuiltinAgentRegistry: Sendable {
    /// One setting of a built-in agent.
    public struct Setting: Sendable, Equatable {
        /// The key (`--set key=value`, or `with: {key: value}`).
        public var name: String
        /// The value used when the key is not given, as text.
        public var defaultValue: String
        /// What it does.
        public var summary: String

        public init(_ name: String, default defaultValue: String, _ summary: String) {
            self.name = name
            self.defaultValue = defaultValue
            self.summary = summary
        }
    }

    /// One built-in agent.
    public struct Entry: Sendable {
        /// The name.
        public var name: String
        /// A one-line description.
        public var summary: String
        /// The settings it takes.
        public var settings: [Setting]
        /// An example input.
        public var example: String
        /// Makes the agent from checked settings.
        public var make: @Sendable (AgentSettings) throws(BuiltinAgentError) -> any AgentExecutor

        public init(
            name: String, summary: String, settings: [Setting], example: String,
            make: @escaping @Sendable (AgentSettings) throws(BuiltinAgentError) -> any AgentExecutor
        ) {
            self.name = name
            self.summary = summary
            self.settings = settings
            self.example = example
            self.make = make
        }

        /// The agent card to serve it with (interfaces are filled in by the server).
        public var card: AgentCard {
            AgentCard(
                name: name,
                description: summary,
                version: "1.0.0",
                supportedInterfaces: [],
                capabilities: AgentCapabilities(streaming: true, pushNotifications: false, extensions: [ProgressMetadata.cardExtension]),
                skills: [AgentSkill(id: name, name: name, description: summary, tags: ["builtin", name], examples: [example])]
            )
        }
    }

    /// The entries, in listing order.
    public private(set) var entries: [Entry]

    /// A registry of these entries.
    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    /// All names, in listing order.
    public var names: [String] { entries.map(\.name) }

    /// The entry with this name.
    public subscript(name: String) -> Entry? { entries.first { $0.name == name } }

    /// Adds an entry (replacing one of the same name).
    public mutating func register(_ entry: Entry) {
        entries.removeAll { $0.name == entry.name }
        entries.append(entry)
    }

    /// Makes the agent `name` with these settings, checking that every key is one it takes.
    public func makeAgent(_ name: String, settings: AgentSettings = AgentSettings()) throws(BuiltinAgentError) -> any AgentExecutor {
        guard let entry = self[name] else { throw .unknownAgent(name, known: names) }
        let known = entry.settings.map(\.name)
        for key in settings.values.keys.sorted() where !known.contains(key) {
            throw .unknownSetting(agent: name, key: key, known: known)
        }
        return try entry.make(settings)
    }

    /// The agents that ship with a2a-pipe: the python-a2a streaming wiki's demos, done right.
    public static let standard = BuiltinAgentRegistry([
        Entry(
            name: "echo", summary: "Streams its input back word by word.",
            settings: [Setting("delay", default: "0ms", "pause before replying")],
            example: "hello world",
            make: { s throws(BuiltinAgentError) in EchoAgent(delay: try s.duration("delay", default: .zero)) }),
        Entry(
            name: "words", summary: "Streams its input back one word (token) at a time, like an LLM.",
            settings: [Setting("delay", default: "100ms", "pause between words")],
            example: "the quick brown fox",
            make: { s throws(BuiltinAgentError) in WordsAgent(delay: try s.duration("delay", default: .milliseconds(100))) }),
        Entry(
            name: "progress", summary: "Long work that reports progress in steps, then replies with its input.",
            settings: [
                Setting("steps", default: "5", "number of progress steps"),
                Setting("delay", default: "500ms", "pause between steps"),
            ],
            example: "research this",
            make: { s throws(BuiltinAgentError) in
                ProgressAgent(steps: try s.integer("steps", default: 5, in: 1...10_000), delay: try s.duration("delay", default: .milliseconds(500)))
            }),
        Entry(
            name: "structured", summary: "Streams a header, numbered data items and a footer, each chunk carrying metadata.",
            settings: [
                Setting("items", default: "5", "number of data items"),
                Setting("delay", default: "200ms", "pause between items"),
            ],
            example: "send me structured data",
            make: { s throws(BuiltinAgentError) in
                StructuredAgent(items: try s.integer("items", default: 5, in: 0...100_000), delay: try s.duration("delay", default: .milliseconds(200)))
            }),
        Entry(
            name: "task", summary: "A long-running task: start it without waiting, follow it with subscribe, read it with get.",
            settings: [
                Setting("steps", default: "10", "number of status updates"),
                Setting("delay", default: "500ms", "pause between updates"),
            ],
            example: "process this data",
            make: { s throws(BuiltinAgentError) in
                TaskAgent(steps: try s.integer("steps", default: 10, in: 1...10_000), delay: try s.duration("delay", default: .milliseconds(500)))
            }),
    ])
}

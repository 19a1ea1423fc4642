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

    /// The agents that ship with a2a-pipe: the python-a2a streaming wiki's demos, done right,
    /// and the working agents `exec`, `llm`, `search` and `summarize` (docs/builtins.md).
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
        Entry(
            name: "exec", summary: "Runs a command with the input on stdin and streams its stdout as it is produced.",
            settings: [
                Setting("command", default: "(required)", "program and arguments: a JSON list, or words with shell-style quotes"),
                Setting("shell", default: "false", "run command[0] with /bin/sh -c (the other items are $1, $2, …)"),
                Setting("timeout", default: "none", "kill the command's process group after this long"),
                Setting("env", default: "{}", "extra environment variables: a JSON map, or K=V,K2=V2"),
                Setting("cwd", default: ".", "working directory"),
            ],
            example: "hello from stdin",
            make: { s throws(BuiltinAgentError) in
                guard let command = try s.stringList("command"), !command.isEmpty else {
                    throw .invalidSetting("agent 'exec' needs 'command' (for example [\"wc\", \"-w\"])")
                }
                return ExecAgent(
                    command: command, shell: try s.boolean("shell", default: false),
                    timeout: s.values["timeout"] == nil ? nil : try s.duration("timeout", default: .zero),
                    environment: try s.stringMap("env") ?? [:], directory: s.string("cwd"))
            }),
        Entry(
            name: "llm", summary: "Streams a reply from an OpenAI-compatible chat-completions endpoint, token by token.",
            settings: [
                Setting("base_url", default: LLMAgent.defaultBaseURL, "endpoint base URL (…/v1)"),
                Setting("model", default: LLMAgent.defaultModel, "model name"),
                Setting("api_key_env", default: "none", "name of the environment variable holding the API key"),
                Setting("system", default: "none", "system prompt"),
                Setting("temperature", default: "server's", "sampling temperature, 0 to 2"),
                Setting("max_tokens", default: "server's", "longest reply, in tokens"),
            ],
            example: "Say hello in five words.",
            make: { s throws(BuiltinAgentError) in
                var configuration = LLMAgent.Configuration()
                configuration.baseURL = s.string("base_url") ?? LLMAgent.defaultBaseURL
                configuration.model = s.string("model") ?? LLMAgent.defaultModel
                configuration.apiKeyVariable = s.string("api_key_env")
                configuration.system = s.string("system")
                configuration.temperature = try s.number("temperature", in: 0...2)
                configuration.maxTokens = try s.optionalInteger("max_tokens", in: 1...1_000_000)
                return try LLMAgent(configuration)
            }),
        Entry(
            name: "search", summary: "BM25 full-text search over a folder of text, Markdown and HTML files; one hit per line.",
            settings: [
                Setting("corpus", default: "(required)", "folder to search"),
                Setting("top", default: "5", "most hits to return"),
                Setting("extensions", default: "md,markdown,txt,html,htm", "file extensions to index"),
            ],
            example: "how do I cancel a task group",
            make: { s throws(BuiltinAgentError) in
                SearchAgent(
                    corpus: try s.requiredString("corpus", agent: "search"), top: try s.integer("top", default: 5, in: 1...1000),
                    extensions: try s.stringList("extensions", commas: true) ?? SearchAgent.defaultExtensions)
            }),
        Entry(
            name: "summarize", summary: "Extractive summary (TF-IDF centrality), sentence by sentence; summarizes the file of a search hit.",
            settings: [
                Setting("sentences", default: "3", "sentences to keep"),
                Setting("corpus", default: "search's folders", "folder that search-hit paths are relative to"),
            ],
            example: "A long text to summarize…",
            make: { s throws(BuiltinAgentError) in
                SummarizeAgent(sentences: try s.integer("sentences", default: 3, in: 1...1000), corpus: s.string("corpus"))
            }),
    ])
}

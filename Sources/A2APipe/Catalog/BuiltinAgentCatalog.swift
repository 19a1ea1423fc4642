/// The built-in agents a pipeline may name with `builtin:`, and the `with:`
/// keys each accepts. The validator takes a catalog as a parameter, so a
/// target that adds agents can extend ``standard``.
public struct BuiltinAgentCatalog: Sendable {
    /// The kind of value a `with:` key takes (a `{{ params.X }}` template is
    /// accepted for any kind and checked when the agent starts).
    public enum ValueKind: String, Sendable, Hashable {
        /// Any text.
        case string
        /// A file or folder. A relative path is looked up next to the pipeline file first,
        /// then in the current directory (so a file's own defaults and a `--set` typed in a
        /// shell both mean what their author meant).
        case path
        /// A whole number.
        case integer
        /// Any number.
        case number
        /// `true` or `false`.
        case boolean
        /// A duration such as `500ms` or `30s`.
        case duration
        /// A list of strings.
        case stringList
        /// A mapping from strings to strings.
        case stringMap
        /// Anything.
        case any
    }

    /// One `with:` key of a built-in agent.
    public struct Parameter: Sendable, Hashable {
        /// The key.
        public var name: String
        /// The kind of value it takes.
        public var kind: ValueKind
        /// Whether it must be given.
        public var isRequired: Bool
        /// A one-line description.
        public var summary: String

        /// Creates a parameter.
        public init(_ name: String, _ kind: ValueKind, required: Bool = false, summary: String = "") {
            self.name = name
            self.kind = kind
            self.isRequired = required
            self.summary = summary
        }
    }

    /// One built-in agent.
    public struct Entry: Sendable, Hashable {
        /// The name used after `builtin:`.
        public var name: String
        /// A one-line description.
        public var summary: String
        /// The keys its `with:` accepts.
        public var parameters: [Parameter]

        /// Creates an entry.
        public init(name: String, summary: String, parameters: [Parameter]) {
            self.name = name
            self.summary = summary
            self.parameters = parameters
        }

        /// The keys its `with:` accepts.
        public var allowedKeys: [String] { parameters.map(\.name) }
        /// The keys its `with:` must contain.
        public var requiredKeys: [String] { parameters.filter(\.isRequired).map(\.name) }

        /// The parameter with this name, if any.
        public func parameter(named name: String) -> Parameter? {
            parameters.first { $0.name == name }
        }
    }

    /// The entries by name.
    public private(set) var entries: [String: Entry]

    /// Creates a catalog from entries.
    public init(_ entries: [Entry]) {
        self.entries = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The entry for a name, if any.
    public subscript(name: String) -> Entry? { entries[name] }

    /// All names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Adds or replaces an entry.
    public mutating func register(_ entry: Entry) {
        entries[entry.name] = entry
    }

    /// This catalog with more entries added (replacing any of the same name).
    public func adding(_ more: [Entry]) -> BuiltinAgentCatalog {
        var copy = self
        for entry in more { copy.register(entry) }
        return copy
    }

    /// The agents that ship with a2a-pipe.
    public static let standard = BuiltinAgentCatalog([
        Entry(name: "echo", summary: "Replies with its input.", parameters: [
            Parameter("delay", .duration, summary: "pause before replying"),
        ]),
        Entry(name: "words", summary: "Streams its input back one word at a time.", parameters: [
            Parameter("delay", .duration, summary: "pause between words"),
        ]),
        Entry(name: "progress", summary: "Reports progress in steps, then replies with its input.", parameters: [
            Parameter("steps", .integer, summary: "number of progress steps"),
            Parameter("delay", .duration, summary: "pause between steps"),
        ]),
        Entry(name: "structured", summary: "Streams a numbered list of items derived from its input.", parameters: [
            Parameter("items", .integer, summary: "number of items"),
            Parameter("delay", .duration, summary: "pause between items"),
        ]),
        Entry(name: "task", summary: "Runs as a long task with status updates.", parameters: [
            Parameter("steps", .integer, summary: "number of status updates"),
            Parameter("delay", .duration, summary: "pause between updates"),
        ]),
        Entry(name: "exec", summary: "Runs a command with the input on stdin and streams its stdout.", parameters: [
            Parameter("command", .stringList, required: true, summary: "program and arguments"),
            Parameter("shell", .boolean, summary: "run through /bin/sh -c"),
            Parameter("timeout", .duration, summary: "kill the command after this long"),
            Parameter("env", .stringMap, summary: "extra environment variables"),
            Parameter("cwd", .path, summary: "working directory"),
        ]),
        Entry(name: "llm", summary: "Sends the input to an OpenAI-compatible chat completion endpoint.", parameters: [
            Parameter("base_url", .string, summary: "endpoint base URL"),
            Parameter("model", .string, summary: "model name"),
            Parameter("api_key_env", .string, summary: "name of the environment variable holding the API key"),
            Parameter("system", .string, summary: "system prompt"),
            Parameter("temperature", .number, summary: "sampling temperature"),
            Parameter("max_tokens", .integer, summary: "longest reply"),
        ]),
        Entry(name: "search", summary: "Searches a local folder of text files and streams one hit per line.", parameters: [
            Parameter("corpus", .path, required: true, summary: "folder to search"),
            Parameter("top", .integer, summary: "most hits to return"),
            Parameter("extensions", .stringList, summary: "file extensions to read"),
        ]),
        Entry(name: "summarize", summary: "Summarizes its input extractively.", parameters: [
            Parameter("sentences", .integer, summary: "sentences to keep"),
            Parameter("corpus", .path, summary: "folder that search-hit paths are relative to"),
        ]),
    ])
}

/// A pipeline file as written: every value remembers its `file:line:column`.
///
/// The spec mirrors the file faithfully, so keys the file omits are `nil`
/// (even required ones, when the file is invalid). A validated, resolved,
/// ready-to-run view is the ``Plan``.
public struct PipelineSpec: Sendable {
    /// The path of the file, as shown in diagnostics.
    public var file: String
    /// `name:` (required).
    public var name: Located<String>?
    /// `description:`.
    public var description: Located<String>?
    /// `version:`.
    public var version: Located<String>?
    /// `params:` in file order, with their default values.
    public var params: [ParamSpec]
    /// Where `params:` is written, if it is.
    public var paramsLocation: SourceLocation?
    /// `agents:` in file order.
    public var agents: [AgentSpec]
    /// `stages:` in display order.
    public var stages: [StageSpec]
    /// `output:`; `nil` means the last stage.
    public var output: OutputSpec?
    /// Where the document starts.
    public var location: SourceLocation

    /// Creates an empty spec for a file.
    public init(file: String, location: SourceLocation) {
        self.file = file
        self.location = location
        self.params = []
        self.agents = []
        self.stages = []
    }

    /// The keys a pipeline accepts.
    public static let keys = ["name", "description", "version", "params", "agents", "stages", "output"]
}

/// One entry of `params:`: a name and its default value (as text).
public struct ParamSpec: Sendable, Hashable {
    /// The param's name.
    public var name: Located<String>
    /// Its default value, as text.
    public var value: Located<String>
    /// The type its default gives it (a quoted or plain-text default is ``Kind/text``): a
    /// `--set` value must be of the same type.
    public var kind: Kind

    /// A param's type, from how its default is written in the file.
    public enum Kind: Sendable, Hashable {
        case text, integer, number, boolean

        /// Whether `value` (a `--set` value) is of this type.
        public func accepts(_ value: String) -> Bool {
            switch self {
            case .text: true
            case .integer: Int(value) != nil
            case .number: Double(value).map(\.isFinite) ?? false
            case .boolean: ["true", "false"].contains(value)
            }
        }

        /// For messages: "a whole number", ….
        public var description: String {
            switch self {
            case .text: "text"
            case .integer: "a whole number"
            case .number: "a number"
            case .boolean: "true or false"
            }
        }
    }

    /// Creates a param.
    public init(name: Located<String>, value: Located<String>, kind: Kind = .text) {
        self.name = name
        self.value = value
        self.kind = kind
    }
}

/// `output:`: a stage id, or a template over stage outputs.
public enum OutputSpec: Sendable, Hashable {
    /// The whole output of one stage.
    case stage(Located<String>)
    /// A template containing `{{ }}` placeholders.
    case template(Located<Template>)

    /// Where the value is written.
    public var location: SourceLocation {
        switch self {
        case .stage(let id): id.location
        case .template(let template): template.location
        }
    }
}

import Foundation

/// A compiled template: the text of an `input:`, `output:` or agent value,
/// parsed once at load time into segments, rendered in time linear in the
/// size of the result.
///
/// Placeholders are `{{ input }}`, `{{ item }}`, `{{ index }}`,
/// `{{ params.NAME }}` and `{{ stages.ID.output }}`, with optional spaces
/// inside the braces. `{{ '{{' }}` writes a literal `{{`. In agent `url`,
/// `headers` and `with` values, `${NAME}` reads an environment variable and
/// `$${` writes a literal `${`.
public struct Template: Sendable, Hashable, CustomStringConvertible {
    /// One piece of a template.
    public enum Segment: Sendable, Hashable {
        /// Text copied as is.
        case literal(String)
        /// `{{ input }}`: the pipeline's input.
        case input
        /// `{{ item }}`: the current `for_each` item.
        case item
        /// `{{ index }}`: the current `for_each` item's 0-based index.
        case index
        /// `{{ params.NAME }}`.
        case param(String)
        /// `{{ stages.ID.output }}`: the whole output of an upstream stage.
        case stageOutput(String)
        /// `${NAME}`: an environment variable (agent values only).
        case environment(String)
    }

    /// The template as written in the file.
    public let source: String
    /// The compiled segments, in order.
    public let segments: [Segment]
    /// Every non-literal segment with the location of its `{{` or `${`.
    let placeholders: [Located<Segment>]

    /// Creates a template from segments (for generated defaults and tests).
    public init(segments: [Segment], source: String? = nil) {
        self.segments = segments
        self.source = source ?? segments.map(\.sourceText).joined()
        self.placeholders = []
    }

    init(source: String, segments: [Segment], placeholders: [Located<Segment>]) {
        self.source = source
        self.segments = segments
        self.placeholders = placeholders
    }

    /// A template that is just `text`.
    public static func literal(_ text: String) -> Template {
        Template(segments: text.isEmpty ? [] : [.literal(text)], source: text)
    }

    /// The template as written.
    public var description: String { source }

    /// Whether the template has no placeholders.
    public var isLiteral: Bool { segments.allSatisfy { if case .literal = $0 { true } else { false } } }

    /// The stages whose whole output this template reads, in order of first use.
    public var referencedStages: [String] {
        var seen = Set<String>()
        return segments.compactMap {
            if case .stageOutput(let id) = $0, seen.insert(id).inserted { return id }
            return nil
        }
    }

    /// The environment variables this template reads.
    public var referencedEnvironment: [String] {
        segments.compactMap { if case .environment(let name) = $0 { name } else { nil } }
    }

    /// Renders the template. A value that is missing from `values` renders
    /// as the empty string (a validated pipeline never has missing values).
    public func render(_ values: TemplateValues) -> String {
        var capacity = 0
        for segment in segments {
            capacity += values.text(for: segment)?.utf8.count ?? 0
        }
        var result = ""
        result.reserveCapacity(capacity)
        for segment in segments {
            if let text = values.text(for: segment) { result.append(text) }
        }
        return result
    }

    public static func == (lhs: Template, rhs: Template) -> Bool {
        lhs.source == rhs.source && lhs.segments == rhs.segments
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(segments)
    }
}

extension Template.Segment {
    /// How the segment is written in a template.
    public var sourceText: String {
        switch self {
        case .literal(let text):
            text.replacingOccurrences(of: "{{", with: "{{ '{{' }}")
        case .input: "{{ input }}"
        case .item: "{{ item }}"
        case .index: "{{ index }}"
        case .param(let name): "{{ params.\(name) }}"
        case .stageOutput(let id): "{{ stages.\(id).output }}"
        case .environment(let name): "${\(name)}"
        }
    }
}

/// The values a ``Template`` renders with.
public struct TemplateValues: Sendable {
    /// The pipeline's input.
    public var input: String
    /// The current `for_each` item, if any.
    public var item: String?
    /// The current `for_each` item's index, if any.
    public var index: Int?
    /// Parameter values by name.
    public var params: [String: String]
    /// Whole outputs of finished stages by id.
    public var stageOutputs: [String: String]
    /// Environment variables by name.
    public var environment: [String: String]

    /// Creates a set of values.
    public init(
        input: String = "",
        item: String? = nil,
        index: Int? = nil,
        params: [String: String] = [:],
        stageOutputs: [String: String] = [:],
        environment: [String: String] = [:]
    ) {
        self.input = input
        self.item = item
        self.index = index
        self.params = params
        self.stageOutputs = stageOutputs
        self.environment = environment
    }

    func text(for segment: Template.Segment) -> String? {
        switch segment {
        case .literal(let text): text
        case .input: input
        case .item: item
        case .index: index.map(String.init)
        case .param(let name): params[name]
        case .stageOutput(let id): stageOutputs[id]
        case .environment(let name): environment[name]
        }
    }
}

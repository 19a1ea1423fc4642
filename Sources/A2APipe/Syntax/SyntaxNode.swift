/// A YAML node as written, with its source location: the first layer of
/// reading a pipeline file, below the typed ``PipelineSpec``.
enum SyntaxNode: Sendable {
    case scalar(SyntaxScalar)
    case mapping(SyntaxMapping)
    case sequence(SyntaxSequence)

    var location: SourceLocation {
        switch self {
        case .scalar(let scalar): scalar.location
        case .mapping(let mapping): mapping.location
        case .sequence(let sequence): sequence.location
        }
    }

    /// How a value is named in type errors: "a string", "a list", ….
    var kindDescription: String {
        switch self {
        case .scalar(let scalar): scalar.kind.description
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}

/// A scalar and the type YAML 1.2's core schema gives it.
struct SyntaxScalar: Sendable {
    /// How a scalar was written.
    enum Style: Sendable {
        case plain, quoted, block
    }

    /// The type of a scalar under the YAML 1.2 core schema.
    enum Kind: Sendable, CustomStringConvertible {
        case null, bool, int, float, string

        var description: String {
            switch self {
            case .null: "null"
            case .bool: "a boolean"
            case .int, .float: "a number"
            case .string: "a string"
            }
        }
    }

    var text: String
    var style: Style
    var kind: Kind
    var location: SourceLocation

    init(text: String, style: Style, explicitTag: String?, location: SourceLocation) {
        self.text = text
        self.style = style
        self.location = location
        self.kind = Self.classify(text, style: style, explicitTag: explicitTag)
    }

    static func classify(_ text: String, style: Style, explicitTag: String?) -> Kind {
        if let tag = explicitTag, !tag.isEmpty, tag != "!" {
            switch tag {
            case "tag:yaml.org,2002:null": return .null
            case "tag:yaml.org,2002:bool": return .bool
            case "tag:yaml.org,2002:int": return .int
            case "tag:yaml.org,2002:float": return .float
            default: return .string
            }
        }
        guard style == .plain else { return .string }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "false", "False", "FALSE": return .bool
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
            return .float
        default: break
        }
        if Int(text) != nil || isInteger(text) { return .int }
        if isFloat(text) { return .float }
        return .string
    }

    private static func isInteger(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        func all(_ from: Int, _ allowed: (Unicode.Scalar) -> Bool) -> Bool {
            from < scalars.count && scalars[from...].allSatisfy(allowed)
        }
        var start = 0
        if let first = scalars.first, first == "-" || first == "+" { start = 1 }
        if all(start, { ("0"..."9").contains($0) }) { return true }
        if text.hasPrefix("0o") { return all(2, { ("0"..."7").contains($0) }) }
        if text.hasPrefix("0x") { return all(2, { $0.properties.isASCIIHexDigit }) }
        return false
    }

    private static func isFloat(_ text: String) -> Bool {
        // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
        var scalars = Substring(text).unicodeScalars[...]
        func digits() -> Int {
            var count = 0
            while let first = scalars.first, ("0"..."9").contains(first) {
                scalars.removeFirst()
                count += 1
            }
            return count
        }
        if let first = scalars.first, first == "-" || first == "+" { scalars.removeFirst() }
        let whole = digits()
        var fraction = 0
        if scalars.first == "." {
            scalars.removeFirst()
            fraction = digits()
            if whole == 0 && fraction == 0 { return false }
        } else if whole == 0 {
            return false
        }
        if let first = scalars.first, first == "e" || first == "E" {
            scalars.removeFirst()
            if let sign = scalars.first, sign == "-" || sign == "+" { scalars.removeFirst() }
            if digits() == 0 { return false }
        }
        return scalars.isEmpty
    }
}

/// A mapping; keys keep their order and their own locations.
struct SyntaxMapping: Sendable {
    struct Entry: Sendable {
        /// The key's text (keys that are mappings or lists have no name).
        var key: Located<String>?
        var keyLocation: SourceLocation
        var value: SyntaxNode
    }

    var entries: [Entry]
    var location: SourceLocation
}

/// A list.
struct SyntaxSequence: Sendable {
    var elements: [SyntaxNode]
    var location: SourceLocation
}

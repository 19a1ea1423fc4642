import A2A

/// Typed reads of text, numbers, booleans, lists and maps.
///
/// Settings travel as text (`--set k=v`, or a pipeline's `with:` map rendered to text), so
/// lists and maps have a text form:
/// - a **list** is a JSON array (`["grep", "-i", "swift"]`) or, otherwise, words separated by
///   spaces (or commas, for lists of names such as `extensions`), where single or double quotes keep spaces inside a word and `\`
///   escapes the next character: `grep -i 'async let'`;
/// - a **map** is a JSON object (`{"LANG": "C"}`) or `KEY=VALUE` pairs separated by commas or
///   newlines: `LANG=C,TZ=UTC`.
extension AgentSettings {
    /// A text value, or `nil` when the key is not given.
    public func string(_ key: String) -> String? {
        values[key]
    }

    /// A text value that must be given and not be empty.
    public func requiredString(_ key: String, agent: String) throws(BuiltinAgentError) -> String {
        guard let text = values[key]?.trimmingSpaces, !text.isEmpty else {
            throw .invalidSetting("agent '\(agent)' needs '\(key)'")
        }
        return text
    }

    /// `true`/`false` (also `yes`/`no`, `1`/`0`), or the default.
    public func boolean(_ key: String, default value: Bool) throws(BuiltinAgentError) -> Bool {
        guard let text = values[key] else { return value }
        switch text.trimmingSpaces.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw .invalidSetting("\(key)=\(text): expected true or false")
        }
    }

    /// A number in `range`, or `nil` when the key is not given.
    public func number(_ key: String, in range: ClosedRange<Double>) throws(BuiltinAgentError) -> Double? {
        guard let text = values[key] else { return nil }
        guard let n = Double(text.trimmingSpaces), n.isFinite, range.contains(n) else {
            throw .invalidSetting("\(key)=\(text): expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// A whole number in `range`, or `nil` when the key is not given.
    public func optionalInteger(_ key: String, in range: ClosedRange<Int>) throws(BuiltinAgentError) -> Int? {
        guard values[key] != nil else { return nil }
        return try integer(key, default: range.lowerBound, in: range)
    }

    /// A list of strings (a JSON array, or quoted words), or `nil` when the key is not given.
    /// With `commas`, a comma also separates words (for lists such as `md,txt`).
    public func stringList(_ key: String, commas: Bool = false) throws(BuiltinAgentError) -> [String]? {
        guard let text = values[key] else { return nil }
        guard let list = Self.parseList(text, commas: commas) else {
            throw .invalidSetting("\(key)=\(text): expected a list, such as [\"a\", \"b\"] or a b")
        }
        return list
    }

    /// A map of strings (a JSON object, or `K=V` pairs), or `nil` when the key is not given.
    public func stringMap(_ key: String) throws(BuiltinAgentError) -> [String: String]? {
        guard let text = values[key] else { return nil }
        guard let map = Self.parseMap(text) else {
            throw .invalidSetting("\(key)=\(text): expected a map, such as {\"K\": \"V\"} or K=V,K2=V2")
        }
        return map
    }

    /// Parses a list: a JSON array of strings (numbers and booleans are written as text), or
    /// words separated by spaces (and commas, with `commas`), with `'…'`, `"…"` and `\` quoting.
    public static func parseList(_ text: String, commas: Bool = false) -> [String]? {
        let t = text.trimmingSpaces
        if t.hasPrefix("[") {
            guard case .array(let items)? = try? JSONParser().parse(t) else { return nil }
            var out: [String] = []
            for item in items {
                guard let s = scalarText(item) else { return nil }
                out.append(s)
            }
            return out
        }
        return splitWords(t, commas: commas)
    }

    /// Parses a map: a JSON object of scalars, or `KEY=VALUE` pairs separated by commas or
    /// newlines.
    public static func parseMap(_ text: String) -> [String: String]? {
        let t = text.trimmingSpaces
        if t.hasPrefix("{") {
            guard case .object(let object)? = try? JSONParser().parse(t) else { return nil }
            var out: [String: String] = [:]
            for (key, value) in object {
                guard let s = scalarText(value) else { return nil }
                out[key] = s
            }
            return out
        }
        var out: [String: String] = [:]
        for pair in t.split(whereSeparator: { $0 == "," || $0 == "\n" }) {
            let p = String(pair).trimmingSpaces
            if p.isEmpty { continue }
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else { return nil }
            out[String(p[..<eq]).trimmingSpaces] = String(p[p.index(after: eq)...]).trimmingSpaces
        }
        return out
    }

    /// The text form of a list that ``stringList(_:commas:)`` reads back exactly (a JSON
    /// array), for callers that hold structured values, such as a pipeline's `with:` map.
    public static func text(list: [String]) -> String {
        JSONWriter.string(.array(list.map { .string($0) }))
    }

    /// The text form of a map that ``stringMap(_:)`` reads back exactly (a JSON object).
    public static func text(map: [(key: String, value: String)]) -> String {
        JSONWriter.string(.object(JSONObject(map.map { (key: $0.key, value: JSONValue.string($0.value)) })))
    }

    private static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): s
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    /// Shell-like word splitting without expansion; `nil` for an unterminated quote.
    static func splitWords(_ text: String, commas: Bool) -> [String]? {
        var words: [String] = []
        var current = ""
        var hasWord = false
        var quote: Character?
        var escaped = false
        for ch in text {
            if escaped {
                current.append(ch)
                escaped = false
                continue
            }
            if let q = quote {
                if ch == q {
                    quote = nil
                } else if ch == "\\" && q == "\"" {
                    escaped = true
                } else {
                    current.append(ch)
                }
                continue
            }
            switch ch {
            case "\\": escaped = true; hasWord = true
            case "'", "\"": quote = ch; hasWord = true
            case _ where ch.isWhitespace || (commas && ch == ","):
                if hasWord { words.append(current) }
                current = ""
                hasWord = false
            default:
                current.append(ch)
                hasWord = true
            }
        }
        guard quote == nil, !escaped else { return nil }
        if hasWord { words.append(current) }
        return words
    }
}

/// Compiles template text into a ``Template``, reporting unclosed `{{`,
/// unknown variable names and misplaced `${…}` with their locations.
struct TemplateParser {
    /// Where `${NAME}` is allowed: only agent `url`, `headers` and `with` values.
    var allowsEnvironment: Bool
    /// Maps a scalar offset of the template's `{{` or `${` to its location in the file.
    var locate: (Int) -> SourceLocation

    static let variableSummary = "use input, item, index, params.NAME or stages.ID.output"

    func parse(_ text: String) -> (Template, [Diagnostic]) {
        let scalars = Array(text.unicodeScalars)
        var segments: [Template.Segment] = []
        var placeholders: [Located<Template.Segment>] = []
        var diagnostics: [Diagnostic] = []
        var literal = String.UnicodeScalarView()

        func flushLiteral() {
            if !literal.isEmpty {
                segments.append(.literal(String(literal)))
                literal = String.UnicodeScalarView()
            }
        }
        func add(_ segment: Template.Segment, at offset: Int) {
            if case .literal(let text) = segment {
                literal.append(contentsOf: text.unicodeScalars)
                return
            }
            flushLiteral()
            segments.append(segment)
            placeholders.append(Located(segment, at: locate(offset)))
        }

        var index = 0
        let count = scalars.count
        while index < count {
            let scalar = scalars[index]
            if scalar == "{", index + 1 < count, scalars[index + 1] == "{" {
                let start = index
                switch parsePlaceholder(scalars, from: index + 2) {
                case .success(let segment, let next):
                    add(segment, at: start)
                    index = next
                case .failure(let message):
                    diagnostics.append(.error(message, at: locate(start)))
                    index = count
                case .unknown(let message, let next):
                    diagnostics.append(.error(message, at: locate(start)))
                    index = next
                }
                continue
            }
            if scalar == "$", index + 1 < count {
                if scalars[index + 1] == "$", index + 2 < count, scalars[index + 2] == "{" {
                    literal.append(contentsOf: "${".unicodeScalars)
                    index += 3
                    continue
                }
                if scalars[index + 1] == "{" {
                    let start = index
                    var end = index + 2
                    while end < count, isNameScalar(scalars[end], first: end == index + 2) { end += 1 }
                    let name = String(String.UnicodeScalarView(scalars[(index + 2)..<end]))
                    guard end < count, scalars[end] == "}", !name.isEmpty else {
                        diagnostics.append(.error("malformed '${'; write ${NAME} with a variable name of letters, digits and '_' (or $${ for a literal '${')", at: locate(start)))
                        literal.append(contentsOf: "${".unicodeScalars)
                        index += 2
                        continue
                    }
                    if allowsEnvironment {
                        add(.environment(name), at: start)
                    } else {
                        diagnostics.append(.error("'${\(name)}' is not allowed here; environment variables work only in an agent's url, headers and with values (write $${ for a literal '${')", at: locate(start)))
                    }
                    index = end + 1
                    continue
                }
            }
            literal.append(scalar)
            index += 1
        }
        flushLiteral()
        return (Template(source: text, segments: segments, placeholders: placeholders), diagnostics)
    }

    private enum PlaceholderResult {
        case success(Template.Segment, next: Int)
        case failure(String)
        case unknown(String, next: Int)
    }

    /// Parses what follows `{{` up to and including `}}`.
    private func parsePlaceholder(_ scalars: [Unicode.Scalar], from start: Int) -> PlaceholderResult {
        let count = scalars.count
        let unclosed = "unclosed '{{'; end the placeholder with '}}' (write {{ '{{' }} for a literal '{{')"
        var index = start
        while index < count, scalars[index].properties.isWhitespace { index += 1 }
        // A quoted literal: {{ '{{' }}
        if index < count, scalars[index] == "'" || scalars[index] == "\"" {
            let quote = scalars[index]
            var end = index + 1
            while end < count, scalars[end] != quote { end += 1 }
            guard end < count else { return .failure(unclosed) }
            let text = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
            var next = end + 1
            while next < count, scalars[next].properties.isWhitespace { next += 1 }
            guard next + 1 < count, scalars[next] == "}", scalars[next + 1] == "}" else { return .failure(unclosed) }
            return .success(.literal(text), next: next + 2)
        }
        var end = index
        while end + 1 < count, !(scalars[end] == "}" && scalars[end + 1] == "}") {
            if scalars[end] == "{", scalars[end + 1] == "{" { return .failure(unclosed) }
            end += 1
        }
        guard end + 1 < count else { return .failure(unclosed) }
        let expression = String(String.UnicodeScalarView(scalars[index..<end]))
            .trimmingWhitespace()
        let next = end + 2
        let parts = expression.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first ?? "", parts.count) {
        case ("input", 1): return .success(.input, next: next)
        case ("item", 1): return .success(.item, next: next)
        case ("index", 1): return .success(.index, next: next)
        case ("params", 2) where !parts[1].isEmpty: return .success(.param(parts[1]), next: next)
        case ("stages", 3) where parts[2] == "output" && !parts[1].isEmpty: return .success(.stageOutput(parts[1]), next: next)
        default: break
        }
        if expression.isEmpty {
            return .unknown("empty placeholder '{{}}'; \(Self.variableSummary)", next: next)
        }
        var hint = ""
        if parts.first == "stages" {
            hint = parts.count == 2 ? "; did you mean 'stages.\(parts[1]).output'?" : ""
        } else if parts.first == "params" {
            hint = ""
        } else if let root = Suggestions.closest(to: parts[0], in: ["input", "item", "index", "params", "stages"]) {
            var fixed = parts
            fixed[0] = root
            if root == "stages", fixed.count == 2 { fixed.append("output") }
            let suggestion = ["input", "item", "index"].contains(root) ? root : fixed.joined(separator: ".")
            hint = "; did you mean '\(suggestion)'?"
        }
        return .unknown("unknown template variable '\(expression)'\(hint.isEmpty ? ";" : hint) \(Self.variableSummary)", next: next)
    }

    private func isNameScalar(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
        if scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) { return true }
        return !first && ("0"..."9").contains(scalar)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}

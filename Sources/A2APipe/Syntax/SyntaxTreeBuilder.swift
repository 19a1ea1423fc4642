import Yams

/// Reads YAML text into a ``SyntaxNode`` tree with Yams, turning every Yams
/// error into a located diagnostic.
enum SyntaxTreeBuilder {
    /// Deepest nesting accepted; deeper files are rejected instead of risking the stack.
    static let maximumDepth = 64
    /// Most nodes accepted (guards against alias expansion bombs).
    static let maximumNodes = 1_000_000

    static func parse(_ source: SourceFile) -> (SyntaxNode?, [Diagnostic]) {
        if let location = excessiveFlowNesting(in: source) {
            return (nil, [.error("the file nests lists or mappings more than \(maximumDepth) levels deep; flatten it", at: location)])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: source.text)
        } catch let error as YamlError {
            return (nil, [diagnostic(for: error, in: source)])
        } catch {
            return (nil, [.error("cannot read the file as YAML", at: source.location(line: 1, column: 1))])
        }
        guard let root else {
            return (nil, [.error("the file is empty; a pipeline needs at least name, agents and stages", at: source.location(line: 1, column: 1))])
        }
        var walker = Walker(source: source)
        let node = walker.convert(root, depth: 0)
        if let problem = walker.problem { return (nil, [problem]) }
        return (node, [])
    }

    /// Yams composes recursively; refuse pathological `[[[[…` input before it does.
    private static func excessiveFlowNesting(in source: SourceFile) -> SourceLocation? {
        var depth = 0
        var quote: Unicode.Scalar?
        for (index, scalar) in source.scalars.enumerated() {
            if let open = quote {
                if scalar == open || scalar == "\n" { quote = nil }
                continue
            }
            switch scalar {
            case "\"", "'": quote = scalar
            case "[", "{":
                depth += 1
                if depth > maximumDepth { return source.location(ofOffset: index) }
            case "]", "}": depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }

    private static func diagnostic(for error: YamlError, in source: SourceFile) -> Diagnostic {
        let hint = "; check the indentation, and quote values that contain ': ', '#', '{' or '['"
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            var started = ""
            if let context, context.mark.line != mark.line || context.mark.column != mark.column {
                started = " \(context.text) started at line \(context.mark.line), column \(context.mark.column)"
            }
            let location = source.location(line: mark.line, column: mark.column)
            if source.lineHasTabIndentation(location.line) {
                return .error("invalid YAML: \(problem); indent with spaces, YAML does not allow tabs for indentation", at: location)
            }
            return .error("invalid YAML: \(problem)\(started)\(hint)", at: location)
        case .composer(_, let problem, let mark, _):
            if problem == "but found another document" {
                return .error("invalid YAML: a second document starts here ('---'); a pipeline file holds exactly one", at: source.location(line: mark.line, column: mark.column))
            }
            return .error("invalid YAML: \(problem)", at: source.location(line: mark.line, column: mark.column))
        case .reader(let problem, let offset, _, _):
            var location = source.location(line: 1, column: 1)
            if let offset, offset >= 0 {
                let characters = source.text.prefix(offset)
                let line = characters.reduce(1) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 }
                let lastLine = characters.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).last ?? ""
                let column = lastLine.unicodeScalars.count + 1
                location = source.location(line: line, column: column)
            }
            return .error("cannot read the file: \(problem); pipeline files must be UTF-8 text", at: location)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let first = source.location(line: context.mark.line, column: context.mark.column)
            guard let key = duplicates.first else {
                return .error("duplicate keys in a mapping; each key may appear only once", at: first)
            }
            let others = duplicates.dropFirst().map { "'\($0)'" }
            let also = others.isEmpty ? "" : " (and \(others.joined(separator: ", ")))"
            if let second = source.nextKey(key, after: first) {
                return .error("duplicate key '\(key)'\(also), first used at line \(first.line); each key may appear only once in a mapping", at: second)
            }
            return .error("duplicate key '\(key)'\(also); each key may appear only once in a mapping", at: first)
        default:
            return .error("cannot read the file as YAML", at: source.location(line: 1, column: 1))
        }
    }

    private struct Walker {
        let source: SourceFile
        var visited = 0
        var problem: Diagnostic?

        init(source: SourceFile) { self.source = source }

        func location(_ mark: Mark?) -> SourceLocation {
            guard let mark else { return source.location(line: 1, column: 1) }
            return source.location(line: mark.line, column: mark.column)
        }

        mutating func convert(_ node: Node, depth: Int) -> SyntaxNode {
            visited += 1
            let here = location(node.mark)
            if problem == nil, depth > SyntaxTreeBuilder.maximumDepth {
                problem = .error("the file nests lists or mappings more than \(SyntaxTreeBuilder.maximumDepth) levels deep; flatten it", at: here)
            }
            if problem == nil, visited > SyntaxTreeBuilder.maximumNodes {
                problem = .error("the file expands to more than \(SyntaxTreeBuilder.maximumNodes) values (through aliases?); simplify it", at: here)
            }
            if problem != nil { return .sequence(SyntaxSequence(elements: [], location: here)) }
            switch node {
            case .scalar(let scalar):
                return .scalar(convert(scalar))
            case .mapping(let mapping):
                var entries: [SyntaxMapping.Entry] = []
                entries.reserveCapacity(mapping.count)
                for (key, value) in mapping {
                    let keyLocation = location(key.mark)
                    var name: Located<String>?
                    if case .scalar(let scalar) = key {
                        name = Located(scalar.string, at: keyLocation)
                    }
                    entries.append(.init(key: name, keyLocation: keyLocation, value: convert(value, depth: depth + 1)))
                }
                return .mapping(SyntaxMapping(entries: entries, location: here))
            case .sequence(let sequence):
                var elements: [SyntaxNode] = []
                elements.reserveCapacity(sequence.count)
                for element in sequence {
                    elements.append(convert(element, depth: depth + 1))
                }
                return .sequence(SyntaxSequence(elements: elements, location: here))
            case .alias:
                // Yams resolves aliases while composing; an unresolved one reads as null.
                return .scalar(SyntaxScalar(text: "", style: .plain, explicitTag: nil, location: here))
            }
        }

        func convert(_ scalar: Node.Scalar) -> SyntaxScalar {
            let style: SyntaxScalar.Style
            switch scalar.style {
            case .singleQuoted, .doubleQuoted: style = .quoted
            case .literal, .folded: style = .block
            default: style = .plain
            }
            return SyntaxScalar(text: scalar.string, style: style, explicitTag: scalar.tag.description, location: location(scalar.mark))
        }
    }
}

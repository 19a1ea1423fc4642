import Foundation

/// Turns a ``SyntaxNode`` tree into a ``PipelineSpec``, reporting unknown
/// keys, wrong types and out-of-range values with their locations. It never
/// stops at the first problem: whatever can be read is kept for validation.
struct SpecDecoder {
    let source: SourceFile
    private(set) var diagnostics: [Diagnostic] = []

    init(source: SourceFile) {
        self.source = source
    }

    // MARK: - Pipeline

    mutating func decodePipeline(_ root: SyntaxNode) -> PipelineSpec {
        var spec = PipelineSpec(file: source.path, location: root.location)
        guard let mapping = expectMapping(root, expected: "a mapping with name, agents and stages", key: nil) else {
            return spec
        }
        let entries = knownEntries(mapping, keys: PipelineSpec.keys, in: "pipeline")
        spec.name = entries["name"].flatMap { string($0.value, key: "name") }
        if spec.name == nil, entries["name"] == nil {
            error("missing 'name'; add a line such as 'name: my-pipeline'", at: mapping.location)
        }
        spec.description = entries["description"].flatMap { string($0.value, key: "description") }
        spec.version = entries["version"].flatMap { string($0.value, key: "version") }
        if let params = entries["params"] {
            spec.paramsLocation = params.keyLocation
            spec.params = decodeParams(params.value)
        }
        if let agents = entries["agents"] {
            spec.agents = decodeAgents(agents.value)
        } else {
            error("missing 'agents'; list the agents the stages use, e.g. 'agents: { echo: { builtin: echo } }'", at: mapping.location)
        }
        if let stages = entries["stages"] {
            spec.stages = decodeStages(stages.value)
        } else {
            error("missing 'stages'; add a list of stages, each with an id and an agent", at: mapping.location)
        }
        if let output = entries["output"] {
            spec.output = decodeOutput(output.value)
        }
        return spec
    }

    private mutating func decodeParams(_ node: SyntaxNode) -> [ParamSpec] {
        guard let mapping = expectMapping(node, expected: "a mapping of param names to values", key: "params") else { return [] }
        var params: [ParamSpec] = []
        for entry in mapping.entries {
            guard let name = keyName(entry, kind: "param name") else { continue }
            guard case .scalar(let scalar) = entry.value, scalar.kind != .null else {
                if case .scalar = entry.value {
                    error("param '\(name.value)' has no value; give it a default (\"\" for empty text)", at: entry.value.location)
                } else {
                    typeError(entry.value, expected: "a text, number or boolean value", key: "params.\(name.value)")
                }
                continue
            }
            if scalar.text.contains("{{") || scalar.text.contains("${") {
                error("param '\(name.value)' may not contain '{{' or '${'; params are plain values", at: scalar.location)
            }
            let kind: ParamSpec.Kind = switch scalar.kind {
            case .int: .integer
            case .float: .number
            case .bool: .boolean
            case .null, .string: .text
            }
            params.append(ParamSpec(name: name, value: Located(scalar.text, at: scalar.location), kind: kind))
        }
        return params
    }

    private mutating func decodeOutput(_ node: SyntaxNode) -> OutputSpec? {
        guard case .scalar(let scalar) = node, scalar.kind == .string else {
            typeError(node, expected: "a stage id or a template", key: "output")
            return nil
        }
        if scalar.text.contains("{{") || scalar.text.contains("${") {
            guard let template = template(scalar, allowsEnvironment: false) else { return nil }
            return .template(template)
        }
        return .stage(Located(scalar.text, at: scalar.location))
    }

    // MARK: - Agents

    private mutating func decodeAgents(_ node: SyntaxNode) -> [AgentSpec] {
        guard let mapping = expectMapping(node, expected: "a mapping of agent ids to agents", key: "agents") else { return [] }
        if mapping.entries.isEmpty {
            error("'agents' is empty; define at least one agent", at: mapping.location)
        }
        var agents: [AgentSpec] = []
        for entry in mapping.entries {
            guard let id = keyName(entry, kind: "agent id") else { continue }
            agents.append(decodeAgent(id: id, entry.value))
        }
        return agents
    }

    private mutating func decodeAgent(id: Located<String>, _ node: SyntaxNode) -> AgentSpec {
        var agent = AgentSpec(id: id, location: node.location)
        guard let mapping = expectMapping(node, expected: "a mapping with one of url, builtin or pipeline", key: "agents.\(id.value)") else {
            return agent
        }
        let entries = knownEntries(mapping, keys: AgentSpec.keys, in: "agent")
        let sourceKeys = ["url", "builtin", "pipeline"].compactMap { entries[$0] }.sorted { $0.keyLocation < $1.keyLocation }
        if sourceKeys.isEmpty {
            error("agent '\(id.value)' says neither url, builtin nor pipeline; give exactly one of them", at: id.location)
        } else if sourceKeys.count > 1 {
            let names = sourceKeys.compactMap { $0.key?.value }.map { "'\($0)'" }.joined(separator: " and ")
            error("agent '\(id.value)' has both \(names); give exactly one of url, builtin or pipeline", at: sourceKeys[1].keyLocation)
        } else if let entry = sourceKeys.first, let key = entry.key?.value {
            switch key {
            case "url":
                if let scalar = stringScalar(entry.value, key: "url"), let template = template(scalar, allowsEnvironment: true) {
                    agent.source = Located(.url(template.value), at: scalar.location)
                }
            case "builtin":
                if let name = string(entry.value, key: "builtin") {
                    agent.source = name.map { .builtin($0) }
                }
            default:
                if let path = string(entry.value, key: "pipeline") {
                    if path.value.isEmpty {
                        error("'pipeline' is empty; give the path of a pipeline file, relative to this file", at: path.location)
                    } else {
                        agent.source = path.map { .pipeline($0) }
                    }
                }
            }
        }
        if let with = entries["with"] {
            if let withMapping = expectMapping(with.value, expected: "a mapping of settings", key: "with") {
                agent.with = Located(configEntries(withMapping), at: with.value.location)
            }
        }
        if let entry = entries["protocol"], let text = string(entry.value, key: "protocol") {
            if let value = AgentProtocol(rawValue: text.value) {
                agent.protocol = Located(value, at: text.location)
            } else {
                let names = AgentProtocol.allCases.map(\.rawValue)
                error("unknown protocol '\(text.value)'\(Suggestions.hint(text.value, in: names)) use one of \(names.joined(separator: ", "))", at: text.location)
            }
        }
        if let entry = entries["headers"], let headers = expectMapping(entry.value, expected: "a mapping of header names to values", key: "headers") {
            for header in headers.entries {
                guard let name = header.key.map({ $0 }) else {
                    error("a header name must be text", at: header.keyLocation)
                    continue
                }
                guard let scalar = stringScalar(header.value, key: "headers.\(name.value)"),
                      let value = template(scalar, allowsEnvironment: true) else { continue }
                agent.headers.append(HeaderSpec(name: name, value: value))
            }
        }
        if let entry = entries["launch"] {
            if case .sequence(let list) = entry.value {
                var argv: [Located<String>] = []
                for element in list.elements {
                    if case .scalar(let scalar) = element, scalar.kind != .null {
                        argv.append(Located(scalar.text, at: scalar.location))
                    } else {
                        typeError(element, expected: "a string", key: "launch")
                    }
                }
                if argv.isEmpty {
                    error("'launch' is empty; give the program and its arguments, e.g. [\"python3\", \"agent.py\"]", at: list.location)
                }
                agent.launch = Located(argv, at: list.location)
            } else {
                typeError(entry.value, expected: "a list of strings (program and arguments)", key: "launch")
            }
        }
        if let entry = entries["launch_timeout"] {
            agent.launchTimeout = duration(entry.value, key: "launch_timeout", allowsZero: false)
        }
        return agent
    }

    private mutating func configEntries(_ mapping: SyntaxMapping) -> [ConfigEntry] {
        var result: [ConfigEntry] = []
        for entry in mapping.entries {
            guard let key = entry.key else {
                error("a key under 'with' must be text", at: entry.keyLocation)
                continue
            }
            result.append(ConfigEntry(key: key, value: configValue(entry.value)))
        }
        return result
    }

    private mutating func configValue(_ node: SyntaxNode) -> Located<ConfigValue> {
        switch node {
        case .scalar(let scalar):
            let value: ConfigValue
            switch scalar.kind {
            case .null: value = .null
            case .bool: value = .boolean(scalar.text.lowercased() == "true")
            case .int:
                if let integer = Int(scalar.text) ?? parseRadixInteger(scalar.text) {
                    value = .integer(integer)
                } else {
                    value = .number(Double(scalar.text) ?? 0)
                }
            case .float: value = .number(Double(scalar.text.replacingPrefix(".", with: "0.")) ?? .nan)
            case .string: value = .string(template(scalar, allowsEnvironment: true)?.value ?? .literal(scalar.text))
            }
            return Located(value, at: scalar.location)
        case .sequence(let list):
            return Located(.list(list.elements.map { configValue($0) }), at: list.location)
        case .mapping(let mapping):
            return Located(.map(configEntries(mapping)), at: mapping.location)
        }
    }

    private func parseRadixInteger(_ text: String) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        return nil
    }

    // MARK: - Stages

    private mutating func decodeStages(_ node: SyntaxNode) -> [StageSpec] {
        guard case .sequence(let list) = node else {
            typeError(node, expected: "a list of stages", key: "stages")
            return []
        }
        if list.elements.isEmpty {
            error("'stages' is empty; add at least one stage with an id and an agent", at: list.location)
        }
        return list.elements.compactMap { decodeStage($0) }
    }

    private mutating func decodeStage(_ node: SyntaxNode) -> StageSpec? {
        guard let mapping = expectMapping(node, expected: "a stage (a mapping with id and agent)", key: nil) else { return nil }
        var stage = StageSpec(location: mapping.location)
        let entries = knownEntries(mapping, keys: StageSpec.keys, in: "stage")
        if let entry = entries["id"] {
            stage.id = string(entry.value, key: "id")
            if let id = stage.id { checkIdentifier(id, kind: "stage id") }
        } else {
            error("stage has no 'id'; give every stage a unique id", at: mapping.location)
        }
        if let entry = entries["agent"] {
            stage.agent = string(entry.value, key: "agent")
        } else {
            let name = stage.id.map { " '\($0.value)'" } ?? ""
            error("stage\(name) has no 'agent'; name one of the agents defined under 'agents'", at: stage.id?.location ?? mapping.location)
        }
        if let entry = entries["input"], let scalar = stringScalar(entry.value, key: "input") {
            stage.input = template(scalar, allowsEnvironment: false)
        }
        if let entry = entries["needs"] {
            stage.needsLocation = entry.value.location
            stage.needs = stageList(entry.value, key: "needs")
        }
        if let entry = entries["for_each"] {
            stage.forEach = decodeForEach(entry.value)
        }
        if let entry = entries["concurrency"], let value = integer(entry.value, key: "concurrency") {
            if value.value < 1 {
                error("'concurrency' must be at least 1, got \(value.value); it is how many items run at once", at: value.location)
            } else {
                stage.concurrency = value
            }
        }
        if let entry = entries["retry"] {
            stage.retry = decodeRetry(entry.value)
        }
        if let entry = entries["timeout"] {
            stage.timeout = duration(entry.value, key: "timeout", allowsZero: false)
        }
        if let entry = entries["idle_timeout"] {
            stage.idleTimeout = duration(entry.value, key: "idle_timeout", allowsZero: false)
        }
        if let entry = entries["progress_weight"], let value = number(entry.value, key: "progress_weight") {
            if !(value.value > 0) || !value.value.isFinite {
                error("'progress_weight' must be a number greater than 0, got \(entry.value.scalarText ?? "\(value.value)")", at: value.location)
            } else {
                stage.progressWeight = value
            }
        }
        if let entry = entries["description"] {
            stage.description = string(entry.value, key: "description")
        }
        return stage
    }

    private mutating func stageList(_ node: SyntaxNode, key: String) -> [Located<String>] {
        guard case .sequence(let list) = node else {
            typeError(node, expected: "a list of stage ids", key: key)
            return []
        }
        var ids: [Located<String>] = []
        for element in list.elements {
            if case .scalar(let scalar) = element, scalar.kind != .null {
                ids.append(Located(scalar.text, at: scalar.location))
            } else {
                typeError(element, expected: "a stage id", key: key)
            }
        }
        return ids
    }

    private mutating func decodeForEach(_ node: SyntaxNode) -> ForEachSpec? {
        guard let mapping = expectMapping(node, expected: "a mapping with from (and optionally split, order)", key: "for_each") else {
            return nil
        }
        var forEach = ForEachSpec(location: mapping.location)
        let entries = knownEntries(mapping, keys: ForEachSpec.keys, in: "for_each")
        if let entry = entries["from"] {
            forEach.from = string(entry.value, key: "from")
        } else {
            error("'for_each' has no 'from'; name the upstream stage whose output is split into items", at: mapping.location)
        }
        if let entry = entries["split"] {
            forEach.split = enumeration(entry.value, key: "split", as: SplitMode.self)
        }
        if let entry = entries["order"] {
            forEach.order = enumeration(entry.value, key: "order", as: ItemOrder.self)
        }
        return forEach
    }

    private mutating func decodeRetry(_ node: SyntaxNode) -> RetrySpec? {
        guard let mapping = expectMapping(node, expected: "a mapping with attempts (and optionally backoff, max_backoff)", key: "retry") else {
            return nil
        }
        var retry = RetrySpec(location: mapping.location)
        let entries = knownEntries(mapping, keys: RetrySpec.keys, in: "retry")
        if let entry = entries["attempts"], let value = integer(entry.value, key: "attempts") {
            if value.value < 1 {
                error("'retry.attempts' must be at least 1, got \(value.value); it counts every try, the first included", at: value.location)
            } else {
                retry.attempts = value
            }
        }
        if let entry = entries["backoff"] {
            retry.backoff = duration(entry.value, key: "backoff", allowsZero: true)
        }
        if let entry = entries["max_backoff"] {
            retry.maxBackoff = duration(entry.value, key: "max_backoff", allowsZero: true)
        }
        if let backoff = retry.backoff, let maxBackoff = retry.maxBackoff, maxBackoff.value < backoff.value {
            error("'max_backoff' (\(DurationFormat.format(maxBackoff.value))) is shorter than 'backoff' (\(DurationFormat.format(backoff.value))); make it at least as long", at: maxBackoff.location)
        }
        return retry
    }

    // MARK: - Values

    private mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(.error(message, at: location))
    }

    private mutating func typeError(_ node: SyntaxNode, expected: String, key: String?) {
        let subject = key.map { " for '\($0)'" } ?? ""
        error("expected \(expected)\(subject), got \(node.kindDescription)", at: node.location)
    }

    private mutating func expectMapping(_ node: SyntaxNode, expected: String, key: String?) -> SyntaxMapping? {
        if case .mapping(let mapping) = node { return mapping }
        typeError(node, expected: expected, key: key)
        return nil
    }

    /// The entries of a mapping by key; unknown keys are reported.
    private mutating func knownEntries(_ mapping: SyntaxMapping, keys: [String], in context: String) -> [String: SyntaxMapping.Entry] {
        var result: [String: SyntaxMapping.Entry] = [:]
        for entry in mapping.entries {
            guard let key = entry.key else {
                error("expected a key name in \(context), got a list or mapping; write 'key: value'", at: entry.keyLocation)
                continue
            }
            if keys.contains(key.value) {
                result[key.value] = entry
            } else {
                let valid = keys.sorted().joined(separator: ", ")
                if let suggestion = Suggestions.closest(to: key.value, in: keys) {
                    error("unknown key '\(key.value)' in \(context); did you mean '\(suggestion)'? valid keys: \(valid)", at: key.location)
                } else {
                    error("unknown key '\(key.value)' in \(context); valid keys: \(valid)", at: key.location)
                }
            }
        }
        return result
    }

    private mutating func keyName(_ entry: SyntaxMapping.Entry, kind: String) -> Located<String>? {
        guard let key = entry.key else {
            let article = "aeiou".contains(kind.first ?? "x") ? "an" : "a"
            error("expected \(article) \(kind), got a list or mapping; write '\(kind.replacingOccurrences(of: " ", with: "-")): value'", at: entry.keyLocation)
            return nil
        }
        checkIdentifier(key, kind: kind)
        return key
    }

    private mutating func checkIdentifier(_ name: Located<String>, kind: String) {
        if !Identifier.isValid(name.value) {
            error("invalid \(kind) '\(name.value)'; use letters, digits, '_' and '-', starting with a letter or '_'", at: name.location)
        }
    }

    private mutating func stringScalar(_ node: SyntaxNode, key: String) -> SyntaxScalar? {
        if case .scalar(let scalar) = node, scalar.kind != .null { return scalar }
        typeError(node, expected: "a string", key: key)
        return nil
    }

    private mutating func string(_ node: SyntaxNode, key: String) -> Located<String>? {
        stringScalar(node, key: key).map { Located($0.text, at: $0.location) }
    }

    private mutating func integer(_ node: SyntaxNode, key: String) -> Located<Int>? {
        if case .scalar(let scalar) = node, scalar.kind == .int {
            if let value = Int(scalar.text) ?? parseRadixInteger(scalar.text) {
                return Located(value, at: scalar.location)
            }
            error("'\(scalar.text)' is too large for '\(key)'", at: scalar.location)
            return nil
        }
        typeError(node, expected: "a whole number", key: key)
        return nil
    }

    private mutating func number(_ node: SyntaxNode, key: String) -> Located<Double>? {
        if case .scalar(let scalar) = node, scalar.kind == .int || scalar.kind == .float {
            let text = scalar.text.replacingPrefix(".", with: "0.")
            let value = Double(text) ?? parseRadixInteger(scalar.text).map(Double.init) ?? .nan
            return Located(value, at: scalar.location)
        }
        typeError(node, expected: "a number", key: key)
        return nil
    }

    private mutating func duration(_ node: SyntaxNode, key: String, allowsZero: Bool) -> Located<Duration>? {
        guard case .scalar(let scalar) = node, scalar.kind != .null, scalar.kind != .bool else {
            typeError(node, expected: "a duration like 30s or 500ms", key: key)
            return nil
        }
        guard let value = DurationFormat.parse(scalar.text) else {
            let hint = scalar.kind == .int ? "; add a unit, e.g. '\(scalar.text)s' or '\(scalar.text)ms'" : "; write a number and a unit: 250ms, 30s, 5m or 1h"
            error("invalid duration '\(scalar.text)' for '\(key)'\(hint)", at: scalar.location)
            return nil
        }
        if !allowsZero, value == .zero {
            error("'\(key)' must be longer than 0; omit it for no limit", at: scalar.location)
            return nil
        }
        return Located(value, at: scalar.location)
    }

    private mutating func enumeration<E: RawRepresentable & CaseIterable & Sendable>(
        _ node: SyntaxNode, key: String, as type: E.Type
    ) -> Located<E>? where E.RawValue == String {
        guard let text = string(node, key: key) else { return nil }
        if let value = E(rawValue: text.value) { return Located(value, at: text.location) }
        let names = E.allCases.map(\.rawValue)
        error("unknown \(key) '\(text.value)'\(Suggestions.hint(text.value, in: names)) use one of \(names.joined(separator: ", "))", at: text.location)
        return nil
    }

    /// Compiles a scalar as a template, mapping each `{{` and `${` back to the file.
    private mutating func template(_ scalar: SyntaxScalar, allowsEnvironment: Bool) -> Located<Template>? {
        let parser = TemplateParser(allowsEnvironment: allowsEnvironment, locate: locator(for: scalar))
        let (template, problems) = parser.parse(scalar.text)
        diagnostics.append(contentsOf: problems)
        return Located(template, at: scalar.location)
    }

    /// Maps offsets of `{{` and `${` inside a scalar's value to their place in
    /// the file, by matching the n-th occurrence in the value with the n-th
    /// occurrence in the file after the scalar's start.
    private func locator(for scalar: SyntaxScalar) -> (Int) -> SourceLocation {
        let value = Array(scalar.text.unicodeScalars)
        func offsets(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> [Int] {
            var result: [Int] = []
            var index = 0
            while index + 1 < value.count {
                if value[index] == first, value[index + 1] == second {
                    result.append(index)
                    index += 2
                } else {
                    index += 1
                }
            }
            return result
        }
        let braces = offsets("{", "{")
        let dollars = offsets("$", "{")
        let fallback = scalar.location
        if braces.isEmpty && dollars.isEmpty { return { _ in fallback } }
        let braceLocations = source.occurrences(of: ["{", "{"], count: braces.count, from: scalar.location)
        let dollarLocations = source.occurrences(of: ["$", "{"], count: dollars.count, from: scalar.location)
        var table: [Int: SourceLocation] = [:]
        for (offset, location) in zip(braces, braceLocations) { table[offset] = location }
        for (offset, location) in zip(dollars, dollarLocations) { table[offset] = location }
        return { offset in table[offset] ?? fallback }
    }
}

extension SyntaxNode {
    var scalarText: String? {
        if case .scalar(let scalar) = self { return scalar.text }
        return nil
    }
}

/// The rule for ids and names: letters, digits, `_` and `-`, starting with a letter or `_`.
enum Identifier {
    static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic && first.isASCII else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}

import Foundation

/// Checks the references and rules of one ``PipelineSpec`` (its syntax has
/// already been checked by the decoder) and, when all is well, builds its
/// ``Plan``. Every problem is collected; nothing stops at the first.
struct PipelineValidator {
    /// What the validator knows of a nested pipeline agent.
    struct Nested {
        /// The nested file's params (`nil` when it could not be read).
        var paramNames: [String]?
        /// Its plan, when it is valid.
        var plan: Plan?
        /// The path as written after `pipeline:`.
        var path: String
    }

    let spec: PipelineSpec
    let catalog: BuiltinAgentCatalog
    let environment: [String: String]
    let overrides: [String: String]
    /// Nested pipeline agents by agent id.
    let nested: [String: Nested]
    /// Whether to warn about unreachable stages (not when the file already has errors).
    var warnsAboutUnreachableStages = true

    private var diagnostics: [Diagnostic] = []

    init(spec: PipelineSpec, catalog: BuiltinAgentCatalog, environment: [String: String], overrides: [String: String], nested: [String: Nested]) {
        self.spec = spec
        self.catalog = catalog
        self.environment = environment
        self.overrides = overrides
        self.nested = nested
    }

    /// A reference from one stage to an upstream stage.
    private struct Dependency {
        var upstream: Int
        var kind: PlanEdge.Kind
        var location: SourceLocation
    }

    // Results of the checks, used to build the plan.
    private var stageIndex: [String: Int] = [:]
    private var dependencies: [[Dependency]] = []
    private var usedEnvironment: Set<String> = []

    mutating func run() -> (diagnostics: [Diagnostic], plan: Plan?) {
        let params = checkParams()
        checkAgents(params: params)
        checkStages(params: params)
        let order = topologicalOrder()
        let outputStages = checkOutput(params: params)
        if let order, let outputStages, warnsAboutUnreachableStages, !diagnostics.containsErrors {
            warnUnreachable(outputStages: outputStages, order: order)
        }
        guard !diagnostics.containsErrors, let order, let outputStages else {
            return (diagnostics, nil)
        }
        return (diagnostics, buildPlan(order: order, params: params, outputStages: outputStages))
    }

    private mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(.error(message, at: location))
    }

    // MARK: - Params

    private mutating func checkParams() -> [String: String] {
        var values: [String: String] = [:]
        var seen: [String: SourceLocation] = [:]
        for param in spec.params {
            seen[param.name.value] = param.name.location
            values[param.name.value] = param.value.value
        }
        let names = spec.params.map(\.name.value)
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            if values[name] != nil {
                values[name] = value
                if let param = spec.params.first(where: { $0.name.value == name }), !param.kind.accepts(value) {
                    error("--set \(name)=\(value): param '\(name)' is \(param.kind.description) (its default is \(param.value.value)); give \(param.kind.description)", at: param.value.location)
                }
            } else {
                let declared = names.isEmpty ? "the file declares no params" : "declared params: \(Suggestions.listing(names.sorted()))"
                error("--set names unknown param '\(name)'\(Suggestions.hint(name, in: names)) \(declared)", at: spec.paramsLocation ?? spec.location)
            }
        }
        return values
    }

    // MARK: - Agents

    private mutating func checkAgents(params: [String: String]) {
        for agent in spec.agents {
            guard let source = agent.source else { continue }
            switch source.value {
            case .url(let template):
                checkAgentTemplate(template, params: params)
                if template.isLiteral {
                    let url = template.source
                    if !(url.hasPrefix("http://") || url.hasPrefix("https://")) || url.count < 9 {
                        error("agent '\(agent.id.value)' has url '\(url)', which is not an http:// or https:// URL", at: source.location)
                    }
                }
                if let with = agent.with {
                    error("'with' applies only to builtin and pipeline agents; agent '\(agent.id.value)' is a url agent", at: with.location)
                }
            case .builtin(let name):
                if let entry = catalog[name] {
                    checkBuiltinSettings(agent: agent, entry: entry, builtinLocation: source.location, params: params)
                } else {
                    error("unknown builtin agent '\(name)'\(Suggestions.hint(name, in: catalog.names)) available: \(catalog.names.joined(separator: ", "))", at: source.location)
                }
                rejectURLOnlyKeys(agent, kind: "builtin")
            case .pipeline:
                if let with = agent.with, let names = nested[agent.id.value]?.paramNames {
                    for entry in with.value {
                        if !names.contains(entry.key.value) {
                            let declared = names.isEmpty ? "the nested pipeline declares no params" : "its params: \(Suggestions.listing(names.sorted()))"
                            error("unknown param '\(entry.key.value)' for nested pipeline agent '\(agent.id.value)'\(Suggestions.hint(entry.key.value, in: names)) \(declared)", at: entry.key.location)
                        }
                        checkConfigTemplates(entry.value, params: params)
                    }
                }
                rejectURLOnlyKeys(agent, kind: "pipeline")
            }
            for header in agent.headers {
                checkAgentTemplate(header.value.value, params: params)
            }
        }
    }

    private mutating func rejectURLOnlyKeys(_ agent: AgentSpec, kind: String) {
        let keys: [(String, SourceLocation?)] = [
            ("protocol", agent.protocol?.location),
            ("headers", agent.headers.first?.name.location),
            ("launch", agent.launch?.location),
            ("launch_timeout", agent.launchTimeout?.location),
        ]
        for (key, location) in keys {
            if let location {
                error("'\(key)' applies only to url agents; agent '\(agent.id.value)' is a \(kind) agent", at: location)
            }
        }
    }

    private mutating func checkBuiltinSettings(agent: AgentSpec, entry: BuiltinAgentCatalog.Entry, builtinLocation: SourceLocation, params: [String: String]) {
        let given = agent.with?.value ?? []
        for setting in given {
            guard let parameter = entry.parameter(named: setting.key.value) else {
                let valid = entry.allowedKeys.sorted().joined(separator: ", ")
                let keys = valid.isEmpty ? "it takes no settings" : "valid keys: \(valid)"
                error("unknown key '\(setting.key.value)' in with: of builtin '\(entry.name)'\(Suggestions.hint(setting.key.value, in: entry.allowedKeys)) \(keys)", at: setting.key.location)
                checkConfigTemplates(setting.value, params: params)
                continue
            }
            checkKind(setting.value, parameter: parameter, builtin: entry.name, params: params)
            checkConfigTemplates(setting.value, params: params)
        }
        for required in entry.parameters where required.isRequired {
            if !given.contains(where: { $0.key.value == required.name }) {
                error("builtin '\(entry.name)' needs 'with: { \(required.name): … }' (\(Self.describe(required.kind))): \(required.summary)", at: builtinLocation)
            }
        }
    }

    static func describe(_ kind: BuiltinAgentCatalog.ValueKind) -> String {
        switch kind {
        case .string: "a string"
        case .path: "a file or folder path"
        case .integer: "a whole number"
        case .number: "a number"
        case .boolean: "true or false"
        case .duration: "a duration like 500ms or 30s"
        case .stringList: "a list of strings"
        case .stringMap: "a mapping of strings to strings"
        case .any: "any value"
        }
    }

    private mutating func checkKind(_ value: Located<ConfigValue>, parameter: BuiltinAgentCatalog.Parameter, builtin: String, params: [String: String]) {
        func isText(_ value: ConfigValue) -> Bool {
            switch value {
            case .string, .integer, .number, .boolean: true
            default: false
            }
        }
        let fits: Bool
        switch (parameter.kind, value.value) {
        case (.any, _): fits = true
        case (_, .string(let template)) where !template.isLiteral && !template.placeholders.isEmpty:
            // Params are known now (with --set applied): a value made of params only is checked
            // here, so `validate --set hits=abc` fails as `run` would. Others are checked when
            // the agent starts.
            checkRendered(template, at: value.location, parameter: parameter, builtin: builtin, params: params)
            return
        case (.string, let value), (.path, let value): fits = isText(value)
        case (.integer, .integer): fits = true
        case (.number, .integer), (.number, .number): fits = true
        case (.boolean, .boolean): fits = true
        case (.duration, .string(let template)):
            guard DurationFormat.parse(template.source) != nil else {
                error("invalid duration '\(template.source)' for '\(parameter.name)'; write a number and a unit: 250ms, 30s, 5m or 1h", at: value.location)
                return
            }
            fits = true
        case (.stringList, .list(let elements)): fits = elements.allSatisfy { isText($0.value) }
        case (.stringMap, .map(let entries)): fits = entries.allSatisfy { isText($0.value.value) }
        default: fits = false
        }
        if !fits {
            error("expected \(Self.describe(parameter.kind)) for '\(parameter.name)' of builtin '\(builtin)', got \(value.value.kindDescription)", at: value.location)
        }
    }

    private mutating func checkRendered(_ template: Template, at location: SourceLocation, parameter: BuiltinAgentCatalog.Parameter, builtin: String, params: [String: String]) {
        var names: [String] = []
        for placeholder in template.placeholders {
            guard case .param(let name) = placeholder.value, params[name] != nil else { return }
            names.append(name)
        }
        let text = template.render(TemplateValues(params: params))
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let fits: Bool
        switch parameter.kind {
        case .integer: fits = Int(trimmed) != nil
        case .number: fits = Double(trimmed) != nil
        case .boolean: fits = ["true", "false"].contains(trimmed)
        case .duration: fits = DurationFormat.parse(trimmed) != nil
        default: fits = true
        }
        guard !fits else { return }
        let set = names.filter { overrides[$0] != nil }
        let source = set.isEmpty
            ? "param '\(names[0])' is '\(params[names[0]] ?? "")'"
            : "--set \(set[0])=\(overrides[set[0]] ?? "")"
        error("\(source), but '\(parameter.name)' of builtin '\(builtin)' needs \(Self.describe(parameter.kind)); '\(template.source)' gives '\(text)'", at: location)
    }

    private mutating func checkConfigTemplates(_ value: Located<ConfigValue>, params: [String: String]) {
        switch value.value {
        case .string(let template): checkAgentTemplate(template, params: params)
        case .list(let elements): for element in elements { checkConfigTemplates(element, params: params) }
        case .map(let entries): for entry in entries { checkConfigTemplates(entry.value, params: params) }
        default: break
        }
    }

    /// Agent values may use `{{ params.NAME }}` and `${VAR}` only.
    private mutating func checkAgentTemplate(_ template: Template, params: [String: String]) {
        for placeholder in template.placeholders {
            switch placeholder.value {
            case .param(let name):
                checkParam(name, params: params, at: placeholder.location)
            case .environment(let name):
                usedEnvironment.insert(name)
                if environment[name] == nil {
                    error("environment variable '\(name)' is not set; set it before running (its value is never printed)", at: placeholder.location)
                }
            case .literal: break
            default:
                error("'\(placeholder.value.sourceText)' is not available in agent settings; only {{ params.NAME }} and ${VAR} are", at: placeholder.location)
            }
        }
    }

    private mutating func checkParam(_ name: String, params: [String: String], at location: SourceLocation) {
        if params[name] == nil {
            let names = spec.params.map(\.name.value)
            error("unknown param '\(name)'\(Suggestions.hint(name, in: names)) declare it under 'params:'", at: location)
        }
    }

    // MARK: - Stages

    private mutating func checkStages(params: [String: String]) {
        let agentIDs = spec.agents.map(\.id.value)
        for (index, stage) in spec.stages.enumerated() {
            guard let id = stage.id else { continue }
            if let first = stageIndex[id.value], let firstLocation = spec.stages[first].id?.location {
                error("duplicate stage id '\(id.value)' (first used at line \(firstLocation.line)); give every stage a unique id", at: id.location)
            } else {
                stageIndex[id.value] = index
            }
        }
        dependencies = Array(repeating: [], count: spec.stages.count)
        let stageIDs = spec.stages.compactMap(\.id?.value)
        for (index, stage) in spec.stages.enumerated() {
            let ownID = stage.id?.value
            let isCanonical = ownID.map { stageIndex[$0] == index } ?? false
            if let agent = stage.agent, !agentIDs.isEmpty, !agentIDs.contains(agent.value) {
                let defined = "defined agents: \(Suggestions.listing(agentIDs.sorted()))"
                error("unknown agent '\(agent.value)'\(Suggestions.hint(agent.value, in: agentIDs)) \(defined)", at: agent.location)
            }
            var deps: [Dependency] = []
            func resolve(_ reference: Located<String>, kind: PlanEdge.Kind, what: String) -> Int? {
                if reference.value == ownID {
                    error("stage '\(reference.value)' cannot \(what) itself; name an upstream stage", at: reference.location)
                    return nil
                }
                guard let upstream = stageIndex[reference.value] else {
                    error("unknown stage '\(reference.value)'\(Suggestions.hint(reference.value, in: stageIDs)) \(stageIDs.isEmpty ? "no stages have ids" : "stages: \(Suggestions.listing(stageIDs))")", at: reference.location)
                    return nil
                }
                return upstream
            }
            for need in stage.needs {
                if let upstream = resolve(need, kind: .whole, what: "need") {
                    deps.append(Dependency(upstream: upstream, kind: .whole, location: need.location))
                }
            }
            if let forEach = stage.forEach, let from = forEach.from {
                if let upstream = resolve(from, kind: .forEach, what: "iterate over") {
                    deps.append(Dependency(upstream: upstream, kind: .forEach, location: from.location))
                }
            }
            if let input = stage.input {
                for placeholder in input.value.placeholders {
                    switch placeholder.value {
                    case .item, .index:
                        if stage.forEach == nil {
                            error("'\(placeholder.value.sourceText)' is only available in a stage with for_each; add 'for_each: { from: STAGE }' or use {{ input }}", at: placeholder.location)
                        }
                    case .param(let name):
                        checkParam(name, params: params, at: placeholder.location)
                    case .stageOutput(let id):
                        if let upstream = resolve(Located(id, at: placeholder.location), kind: .whole, what: "read the output of") {
                            deps.append(Dependency(upstream: upstream, kind: .whole, location: placeholder.location))
                        }
                    default: break
                    }
                }
            }
            if isCanonical { dependencies[index] = deps }
        }
    }

    /// Kahn's algorithm, ties broken by display order; reports cycles.
    private mutating func topologicalOrder() -> [Int]? {
        let count = spec.stages.count
        var indegree = Array(repeating: 0, count: count)
        var downstream = Array(repeating: [Int](), count: count)
        let nodes = stageIndex.values.sorted()
        for node in nodes {
            let ups = Set(dependencies[node].map(\.upstream))
            indegree[node] = ups.count
            for up in ups { downstream[up].append(node) }
        }
        var heap = MinHeap()
        for node in nodes where indegree[node] == 0 { heap.push(node) }
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while let node = heap.pop() {
            order.append(node)
            for next in downstream[node] {
                indegree[next] -= 1
                if indegree[next] == 0 { heap.push(next) }
            }
        }
        guard order.count < nodes.count else { return order }
        reportCycles(remaining: Set(nodes).subtracting(order), downstream: downstream)
        return nil
    }

    /// Names the stages of one cycle in each strongly connected group of the stages left over.
    private mutating func reportCycles(remaining: Set<Int>, downstream: [[Int]]) {
        var reported = Set<Int>()
        for start in remaining.sorted() where !reported.contains(start) {
            // Shortest path start -> … -> start along downstream edges, within `remaining`.
            var previous: [Int: Int] = [:]
            var queue = [start]
            var head = 0
            var closing: Int?
            search: while head < queue.count {
                let node = queue[head]
                head += 1
                for next in downstream[node] where remaining.contains(next) {
                    if next == start { closing = node; break search }
                    if previous[next] == nil {
                        previous[next] = node
                        queue.append(next)
                    }
                }
            }
            guard let last = closing else { continue }  // downstream of a cycle, not on one
            var path = [last]
            while let node = path.last, node != start, let before = previous[node] { path.append(before) }
            path.reverse()  // start … last
            if path.contains(where: { reported.contains($0) }) { continue }
            reported.formUnion(path)
            let names = (path + [start]).map { spec.stages[$0].id?.value ?? "?" }
            let location = dependencies[start].first { $0.upstream == last }?.location ?? spec.stages[start].location
            error("cycle: \(names.joined(separator: " -> ")); remove one of these dependencies", at: location)
        }
    }

    // MARK: - Output

    /// The stages whose outputs make the pipeline's output; `nil` if `output:` is invalid.
    private mutating func checkOutput(params: [String: String]) -> [Int]? {
        let stageIDs = spec.stages.compactMap(\.id?.value)
        switch spec.output {
        case nil:
            guard let last = spec.stages.indices.last, let id = spec.stages[last].id?.value, let index = stageIndex[id] else { return nil }
            return [index]
        case .stage(let id):
            if id.value.trimmingWhitespace().isEmpty {
                error("'output' is empty; name a stage or write a template such as \"{{ stages.ID.output }}\"", at: id.location)
                return nil
            }
            guard let index = stageIndex[id.value] else {
                error("output names unknown stage '\(id.value)'\(Suggestions.hint(id.value, in: stageIDs)) name a stage or write a template with {{ stages.ID.output }}", at: id.location)
                return nil
            }
            return [index]
        case .template(let template):
            var indices: [Int] = []
            var valid = true
            for placeholder in template.value.placeholders {
                switch placeholder.value {
                case .stageOutput(let id):
                    if let index = stageIndex[id] {
                        indices.append(index)
                    } else {
                        valid = false
                        error("unknown stage '\(id)'\(Suggestions.hint(id, in: stageIDs)) stages: \(Suggestions.listing(stageIDs))", at: placeholder.location)
                    }
                case .param(let name): checkParam(name, params: params, at: placeholder.location)
                case .item, .index:
                    valid = false
                    error("'\(placeholder.value.sourceText)' is only available inside a for_each stage, not in 'output'", at: placeholder.location)
                default: break
                }
            }
            return valid ? indices : nil
        }
    }

    private mutating func warnUnreachable(outputStages: [Int], order: [Int]) {
        var contributes = Set(outputStages)
        for node in order.reversed() where contributes.contains(node) {
            for dependency in dependencies[node] { contributes.insert(dependency.upstream) }
        }
        for node in order where !contributes.contains(node) {
            guard let id = spec.stages[node].id else { continue }
            diagnostics.append(.warning("stage '\(id.value)' is unreachable: its output never reaches the pipeline output; make a later stage need it, or remove it", at: id.location))
        }
    }

    // MARK: - Plan

    private func buildPlan(order: [Int], params: [String: String], outputStages: [Int]) -> Plan? {
        var agents: [String: PlannedAgent] = [:]
        for agent in spec.agents {
            guard let source = agent.source else { return nil }
            let with = Dictionary((agent.with?.value ?? []).map { ($0.key.value, $0.value.value) }, uniquingKeysWith: { _, last in last })
            let kind: PlannedAgent.Kind
            switch source.value {
            case .url(let template): kind = .url(template)
            case .builtin(let name): kind = .builtin(name: name, with: with)
            case .pipeline(let path):
                guard let plan = nested[agent.id.value]?.plan else { return nil }
                kind = .pipeline(path: path, plan: plan, with: with)
            }
            agents[agent.id.value] = PlannedAgent(
                id: agent.id.value,
                kind: kind,
                protocol: agent.protocol?.value ?? .auto,
                headers: agent.headers.map { PlannedHeader(name: $0.name.value, value: $0.value.value) },
                launch: agent.launch?.value.map(\.value),
                launchTimeout: agent.launchTimeout?.value ?? (agent.launch != nil ? .seconds(30) : nil)
            )
        }
        var stages: [PlannedStage] = []
        var edges: [PlanEdge] = []
        var seenEdges = Set<PlanEdge>()
        for node in order {
            let stage = spec.stages[node]
            guard let id = stage.id?.value, let agent = stage.agent?.value else { return nil }
            var upstream: [String] = []
            for dependency in dependencies[node] {
                let from = spec.stages[dependency.upstream].id?.value ?? ""
                if !upstream.contains(from) { upstream.append(from) }
                let edge = PlanEdge(from: from, to: id, kind: dependency.kind)
                if seenEdges.insert(edge).inserted { edges.append(edge) }
            }
            let forEach = stage.forEach.flatMap { spec -> PlannedForEach? in
                guard let from = spec.from?.value else { return nil }
                return PlannedForEach(from: from, split: spec.split?.value ?? .lines, order: spec.order?.value ?? .input)
            }
            let input: Template
            if let given = stage.input?.value {
                input = given
            } else if forEach != nil {
                input = Template(segments: [.item])
            } else if !stage.needs.isEmpty {
                var segments: [Template.Segment] = []
                for (offset, need) in stage.needs.enumerated() {
                    if offset > 0 { segments.append(.literal("\n\n")) }
                    segments.append(.stageOutput(need.value))
                }
                input = Template(segments: segments)
            } else {
                input = Template(segments: [.input])
            }
            stages.append(PlannedStage(
                id: id,
                agent: agent,
                input: input,
                inputIsDefault: stage.input == nil,
                upstream: upstream,
                forEach: forEach,
                concurrency: stage.concurrency?.value ?? 1,
                retry: RetryPolicy(
                    attempts: stage.retry?.attempts?.value ?? 1,
                    backoff: stage.retry?.backoff?.value ?? .milliseconds(500),
                    maxBackoff: stage.retry?.maxBackoff?.value
                ),
                timeout: stage.timeout?.value,
                idleTimeout: stage.idleTimeout?.value,
                progressWeight: stage.progressWeight?.value ?? 1,
                description: stage.description?.value,
                displayIndex: node,
                location: stage.location
            ))
        }
        let output: Template
        var outputStage: String?
        switch spec.output {
        case .template(let template):
            output = template.value
        default:
            guard let index = outputStages.first, let id = spec.stages[index].id?.value else { return nil }
            output = Template(segments: [.stageOutput(id)])
            outputStage = id
        }
        var usedValues: [String: String] = [:]
        for name in usedEnvironment { usedValues[name] = environment[name] }
        return Plan(
            name: spec.name?.value ?? "",
            description: spec.description?.value,
            version: spec.version?.value,
            file: spec.file,
            params: params,
            agents: agents,
            stages: stages,
            edges: edges,
            output: output,
            outputStage: outputStage,
            environment: usedValues
        )
    }
}

/// A binary min-heap of stage indices (display order breaks topological ties).
struct MinHeap {
    private var items: [Int] = []

    mutating func push(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < items.count, items[left] < items[smallest] { smallest = left }
                if right < items.count, items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}

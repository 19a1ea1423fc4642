/// The JSON Schema (draft 2020-12) of pipeline files, for editors: with a
/// `# yaml-language-server: $schema=…` first line, VS Code's YAML extension
/// (and other yaml-language-server clients) complete and check pipeline files.
///
/// The schema checks shapes and names; references between stages, cycles,
/// templates and environment variables are checked by `a2a-pipe validate`.
public enum PipelineSchema {
    /// The schema as pretty-printed JSON (stable output; ends with a newline).
    public static func json(catalog: BuiltinAgentCatalog = .standard) -> String {
        schema(catalog: catalog).pretty()
    }

    static let identifierPattern = "^[A-Za-z_][A-Za-z0-9_-]*$"
    static let durationPattern = "^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$"
    static let templatePattern = "\\{\\{"

    static func schema(catalog: BuiltinAgentCatalog) -> SchemaJSON {
        .object([
            ("$schema", "https://json-schema.org/draft/2020-12/schema"),
            ("title", "a2a-pipe pipeline"),
            ("description", "A pipeline of A2A agents, run with `a2a-pipe run FILE`. See docs/pipeline-files.md."),
            ("type", "object"),
            ("required", .array(["name", "agents", "stages"])),
            ("additionalProperties", false),
            ("properties", .object([
                ("name", string("The pipeline's name; also the name of the served agent.")),
                ("description", string("What the pipeline does.")),
                ("version", .object([("description", "The pipeline's version."), ("type", .array(["string", "number"]))])),
                ("params", .object([
                    ("description", "Named values with defaults, used as {{ params.NAME }} and overridden with --set NAME=VALUE."),
                    ("type", "object"),
                    ("propertyNames", .object([("pattern", .string(identifierPattern))])),
                    ("additionalProperties", .object([("type", .array(["string", "number", "boolean"]))])),
                ])),
                ("agents", .object([
                    ("description", "The agents the stages use, by id."),
                    ("type", "object"),
                    ("minProperties", 1),
                    ("propertyNames", .object([("pattern", .string(identifierPattern))])),
                    ("additionalProperties", .object([("$ref", "#/$defs/agent")])),
                ])),
                ("stages", .object([
                    ("description", "The stages, in display order."),
                    ("type", "array"),
                    ("minItems", 1),
                    ("items", .object([("$ref", "#/$defs/stage")])),
                ])),
                ("output", string("A stage id, or a template such as \"{{ stages.write.output }}\". Default: the last stage.")),
            ])),
            ("$defs", .object([
                ("identifier", .object([("type", "string"), ("pattern", .string(identifierPattern))])),
                ("duration", .object([
                    ("description", "A number and a unit: 250ms, 30s, 1.5s, 5m, 1h."),
                    ("type", "string"),
                    ("pattern", .string(durationPattern)),
                ])),
                ("template", .object([
                    ("description", "Text with {{ input }}, {{ item }}, {{ index }}, {{ params.NAME }} or {{ stages.ID.output }}."),
                    ("type", "string"),
                ])),
                ("agent", agent(catalog: catalog)),
                ("stage", stage()),
            ])),
        ])
    }

    private static func string(_ description: String) -> SchemaJSON {
        .object([("description", .string(description)), ("type", "string")])
    }

    private static func ref(_ name: String, _ description: String) -> SchemaJSON {
        .object([("description", .string(description)), ("$ref", .string("#/$defs/\(name)"))])
    }

    private static func agent(catalog: BuiltinAgentCatalog) -> SchemaJSON {
        var conditions: [SchemaJSON] = []
        for name in catalog.names {
            guard let entry = catalog[name] else { continue }
            var properties: [(String, SchemaJSON)] = []
            for parameter in entry.parameters {
                properties.append((parameter.name, value(parameter)))
            }
            var with: [(String, SchemaJSON)] = [("type", "object"), ("additionalProperties", false), ("properties", .object(properties))]
            if !entry.requiredKeys.isEmpty { with.append(("required", .array(entry.requiredKeys.map { .string($0) }))) }
            var then: [(String, SchemaJSON)] = [("properties", .object([("with", .object(with))]))]
            if !entry.requiredKeys.isEmpty { then.append(("required", .array(["with"]))) }
            conditions.append(.object([
                ("if", .object([("properties", .object([("builtin", .object([("const", .string(name))]))])), ("required", .array(["builtin"]))])),
                ("then", .object(then)),
            ]))
        }
        return .object([
            ("description", "How to reach an agent: exactly one of url, builtin or pipeline."),
            ("type", "object"),
            ("additionalProperties", false),
            ("properties", .object([
                ("url", string("The URL of an A2A agent; may use ${VAR} and {{ params.NAME }}.")),
                ("builtin", .object([
                    ("description", "An in-process agent."),
                    ("enum", .array(catalog.names.map { .string($0) })),
                ])),
                ("pipeline", string("Another pipeline file, relative to this one, run in-process.")),
                ("with", .object([
                    ("description", "Settings of a builtin agent, or param values of a nested pipeline; strings may use ${VAR} and {{ params.NAME }}."),
                    ("type", "object"),
                ])),
                ("protocol", .object([
                    ("description", "The wire dialect of a url agent (default auto: read the agent card)."),
                    ("enum", .array(AgentProtocol.allCases.map { .string($0.rawValue) })),
                ])),
                ("headers", .object([
                    ("description", "HTTP headers for a url agent; values may use ${VAR}."),
                    ("type", "object"),
                    ("additionalProperties", .object([("type", "string")])),
                ])),
                ("launch", .object([
                    ("description", "The command that starts the agent when the run starts (if it is not already reachable)."),
                    ("type", "array"),
                    ("minItems", 1),
                    ("items", .object([("type", "string")])),
                ])),
                ("launch_timeout", ref("duration", "How long to wait for a launched agent to answer (default 30s).")),
            ])),
            ("oneOf", .array([
                .object([("required", .array(["url"]))]),
                .object([("required", .array(["builtin"]))]),
                .object([("required", .array(["pipeline"]))]),
            ])),
            ("allOf", .array(conditions)),
        ])
    }

    private static func value(_ parameter: BuiltinAgentCatalog.Parameter) -> SchemaJSON {
        let placeholder: SchemaJSON = .object([("type", "string"), ("pattern", .string(templatePattern))])
        let description: (String, SchemaJSON) = ("description", .string(parameter.summary))
        switch parameter.kind {
        case .string, .path: return .object([description, ("type", "string")])
        case .integer: return .object([description, ("anyOf", .array([.object([("type", "integer")]), placeholder]))])
        case .number: return .object([description, ("anyOf", .array([.object([("type", "number")]), placeholder]))])
        case .boolean: return .object([description, ("anyOf", .array([.object([("type", "boolean")]), placeholder]))])
        case .duration: return .object([description, ("anyOf", .array([.object([("$ref", "#/$defs/duration")]), placeholder]))])
        case .stringList: return .object([description, ("type", "array"), ("items", .object([("type", .array(["string", "number", "boolean"]))]))])
        case .stringMap: return .object([description, ("type", "object"), ("additionalProperties", .object([("type", .array(["string", "number", "boolean"]))]))])
        case .any: return .object([description])
        }
    }

    private static func stage() -> SchemaJSON {
        .object([
            ("description", "One step of the pipeline: an agent and its input."),
            ("type", "object"),
            ("required", .array(["id", "agent"])),
            ("additionalProperties", false),
            ("properties", .object([
                ("id", ref("identifier", "The stage's unique id.")),
                ("agent", ref("identifier", "An agent id from agents.")),
                ("input", ref("template", "What the agent receives. Default: {{ item }} with for_each, the needs' outputs joined by a blank line with needs, else {{ input }}.")),
                ("needs", .object([
                    ("description", "Upstream stages whose outputs this stage waits for."),
                    ("type", "array"),
                    ("items", .object([("$ref", "#/$defs/identifier")])),
                ])),
                ("for_each", .object([
                    ("description", "Run once per item of an upstream stage's output, as items stream."),
                    ("type", "object"),
                    ("required", .array(["from"])),
                    ("additionalProperties", false),
                    ("properties", .object([
                        ("from", ref("identifier", "The upstream stage.")),
                        ("split", .object([("description", "How the output is split into items (default lines)."), ("enum", .array(SplitMode.allCases.map { .string($0.rawValue) }))])),
                        ("order", .object([("description", "How item outputs are joined (default input)."), ("enum", .array(ItemOrder.allCases.map { .string($0.rawValue) }))])),
                    ])),
                ])),
                ("concurrency", .object([("description", "Items in flight at once (default 1)."), ("type", "integer"), ("minimum", 1)])),
                ("retry", .object([
                    ("description", "Retry on failure with exponential backoff."),
                    ("type", "object"),
                    ("additionalProperties", false),
                    ("properties", .object([
                        ("attempts", .object([("description", "Total tries, the first included."), ("type", "integer"), ("minimum", 1)])),
                        ("backoff", ref("duration", "The first wait, doubled after each failure (default 500ms).")),
                        ("max_backoff", ref("duration", "The longest wait.")),
                    ])),
                ])),
                ("timeout", ref("duration", "Longest time for one attempt.")),
                ("idle_timeout", ref("duration", "Longest silence allowed inside a stream.")),
                ("progress_weight", .object([("description", "The stage's share of the pipeline's progress (default 1)."), ("type", "number"), ("exclusiveMinimum", 0)])),
                ("description", string("What the stage does.")),
            ])),
        ])
    }
}

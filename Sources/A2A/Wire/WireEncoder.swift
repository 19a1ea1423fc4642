import Foundation

/// Encodes the A2A model as one generation's JSON: A2A 1.0 (ProtoJSON: wrapper members,
/// `TASK_STATE_*`, `ROLE_*`, unified parts, `false` omitted) or A2A 0.3 (`kind` tags,
/// kebab-case states, file/data parts, explicit booleans).
public struct WireEncoder: Sendable {
    /// The generation written; `.pythonA2A` is not a JSON-RPC generation and writes 0.3 shapes
    /// (see ``PythonA2AWire`` for its own forms).
    public let dialect: ProtocolDialect

    private var is10: Bool { dialect == .v1_0 }

    public init(_ dialect: ProtocolDialect) {
        self.dialect = dialect
    }

    // MARK: Events and results

    /// A stream event as the `result` of a streaming response.
    public func streamResponse(_ event: StreamResponse) -> JSONValue {
        switch event {
        case .task(let t): return wrap("task", task(t))
        case .message(let m): return wrap("message", message(m))
        case .statusUpdate(let u): return wrap("statusUpdate", statusUpdate(u))
        case .artifactUpdate(let u): return wrap("artifactUpdate", artifactUpdate(u))
        }
    }

    /// The `result` of a non-streaming send.
    public func sendResult(_ result: SendMessageResult) -> JSONValue {
        switch result {
        case .task(let t): return wrap("task", task(t))
        case .message(let m): return wrap("message", message(m))
        }
    }

    private func wrap(_ key: String, _ value: JSONValue) -> JSONValue {
        is10 ? .object(JSONObject([(key: key, value: value)])) : value
    }

    /// A page of `ListTasks` (1.0).
    public func taskList(_ list: TaskList) -> JSONValue {
        var o = JSONObject()
        o.append("tasks", .array(list.tasks.map { task($0) }))
        o.append("nextPageToken", .string(list.nextPageToken ?? ""))
        if let s = list.pageSize { o.append("pageSize", .number(Double(s))) }
        if let s = list.totalSize { o.append("totalSize", .number(Double(s))) }
        return .object(o)
    }

    // MARK: Objects

    public func task(_ t: A2ATask) -> JSONValue {
        var o = JSONObject()
        o.append("id", .string(t.id))
        o.append("contextId", .string(t.contextId))
        o.append("status", status(t.status))
        if !t.artifacts.isEmpty { o.append("artifacts", .array(t.artifacts.map { artifact($0) })) }
        if !t.history.isEmpty { o.append("history", .array(t.history.map { message($0) })) }
        if let m = t.metadata, !m.isEmpty { o.append("metadata", .object(m)) }
        if !is10 { o.append("kind", "task") }
        return .object(o)
    }

    public func status(_ s: TaskStatus) -> JSONValue {
        var o = JSONObject()
        o.append("state", .string(is10 ? s.state.v10Name : s.state.v03Name))
        if let m = s.message { o.append("message", message(m)) }
        if let t = s.timestamp { o.append("timestamp", .string(Timestamp.format(t))) }
        return .object(o)
    }

    public func message(_ m: Message) -> JSONValue {
        var o = JSONObject()
        o.append("messageId", .string(m.messageId))
        if let c = m.contextId { o.append("contextId", .string(c)) }
        if let t = m.taskId { o.append("taskId", .string(t)) }
        o.append("role", .string(role(m.role)))
        o.append("parts", .array(m.parts.map { part($0) }))
        if !m.referenceTaskIds.isEmpty { o.append("referenceTaskIds", .array(m.referenceTaskIds.map { .string($0) })) }
        if !m.extensions.isEmpty { o.append("extensions", .array(m.extensions.map { .string($0) })) }
        if let md = m.metadata, !md.isEmpty { o.append("metadata", .object(md)) }
        if !is10 { o.append("kind", "message") }
        return .object(o)
    }

    private func role(_ r: Role) -> String {
        switch (r, is10) {
        case (.user, true): "ROLE_USER"
        case (.agent, true): "ROLE_AGENT"
        case (.unspecified, true): "ROLE_UNSPECIFIED"
        case (.user, false): "user"
        case (.agent, false), (.unspecified, false): "agent"
        }
    }

    public func part(_ p: Part) -> JSONValue {
        var o = JSONObject()
        if is10 {
            switch p.content {
            case .text(let t): o.append("text", .string(t))
            case .raw(let d): o.append("raw", .string(d.base64EncodedString()))
            case .url(let u): o.append("url", .string(u))
            case .data(let d): o.append("data", d)
            }
            if let f = p.filename { o.append("filename", .string(f)) }
            if let m = p.mediaType { o.append("mediaType", .string(m)) }
            if let md = p.metadata, !md.isEmpty { o.append("metadata", .object(md)) }
            return .object(o)
        }
        var metadata = p.metadata
        switch p.content {
        case .text(let t):
            o.append("kind", "text")
            o.append("text", .string(t))
        case .raw(let d):
            o.append("kind", "file")
            var f = JSONObject()
            f.append("bytes", .string(d.base64EncodedString()))
            if let m = p.mediaType { f.append("mimeType", .string(m)) }
            if let n = p.filename { f.append("name", .string(n)) }
            o.append("file", .object(f))
        case .url(let u):
            o.append("kind", "file")
            var f = JSONObject()
            if let m = p.mediaType { f.append("mimeType", .string(m)) }
            if let n = p.filename { f.append("name", .string(n)) }
            f.append("uri", .string(u))
            o.append("file", .object(f))
        case .data(let d):
            o.append("kind", "data")
            if case .object = d {
                o.append("data", d)
            } else {
                // 0.3 data parts must be objects; wrap as sdk13 does (a2a-wire.md §3.1).
                o.append("data", ["value": d])
                var m = metadata ?? JSONObject()
                m["data_part_compat"] = true
                metadata = m
            }
        }
        if let md = metadata, !md.isEmpty { o.append("metadata", .object(md)) }
        return .object(o)
    }

    public func artifact(_ a: Artifact) -> JSONValue {
        var o = JSONObject()
        o.append("artifactId", .string(a.artifactId))
        if let n = a.name { o.append("name", .string(n)) }
        if let d = a.description { o.append("description", .string(d)) }
        o.append("parts", .array(a.parts.map { part($0) }))
        if let md = a.metadata, !md.isEmpty { o.append("metadata", .object(md)) }
        if !a.extensions.isEmpty { o.append("extensions", .array(a.extensions.map { .string($0) })) }
        return .object(o)
    }

    public func statusUpdate(_ u: TaskStatusUpdateEvent) -> JSONValue {
        var o = JSONObject()
        o.append("taskId", .string(u.taskId))
        o.append("contextId", .string(u.contextId))
        o.append("status", status(u.status))
        if !is10 {
            o.append("kind", "status-update")
            o.append("final", .bool(u.isFinal))
        }
        if let md = u.metadata, !md.isEmpty { o.append("metadata", .object(md)) }
        return .object(o)
    }

    public func artifactUpdate(_ u: TaskArtifactUpdateEvent) -> JSONValue {
        var o = JSONObject()
        o.append("taskId", .string(u.taskId))
        o.append("contextId", .string(u.contextId))
        o.append("artifact", artifact(u.artifact))
        if is10 {
            if u.append { o.append("append", true) }
            if u.lastChunk { o.append("lastChunk", true) }
        } else {
            o.append("kind", "artifact-update")
            o.append("append", .bool(u.append))
            o.append("lastChunk", .bool(u.lastChunk))
        }
        if let md = u.metadata, !md.isEmpty { o.append("metadata", .object(md)) }
        return .object(o)
    }

    // MARK: Requests (client side)

    /// The params of a send or stream request.
    public func sendParams(_ p: SendMessageParams) -> JSONValue {
        var o = JSONObject()
        if is10, let t = p.tenant { o.append("tenant", .string(t)) }
        o.append("message", message(p.message))
        var c = JSONObject()
        let cfg = p.configuration
        if !cfg.acceptedOutputModes.isEmpty { c.append("acceptedOutputModes", .array(cfg.acceptedOutputModes.map { .string($0) })) }
        if let h = cfg.historyLength { c.append("historyLength", .number(Double(h))) }
        if is10 {
            if cfg.returnImmediately { c.append("returnImmediately", true) }
        } else {
            c.append("blocking", .bool(!cfg.returnImmediately))
        }
        if !c.isEmpty { o.append("configuration", .object(c)) }
        if let md = p.metadata, !md.isEmpty { o.append("metadata", .object(md)) }
        return .object(o)
    }

    /// The params of get, cancel and subscribe: `{id}` (+ `historyLength`, `tenant` in 1.0).
    public func taskIdParams(_ id: String, historyLength: Int? = nil, tenant: String? = nil) -> JSONValue {
        var o = JSONObject()
        if is10, let tenant { o.append("tenant", .string(tenant)) }
        o.append("id", .string(id))
        if let h = historyLength { o.append("historyLength", .number(Double(h))) }
        return .object(o)
    }

    /// The params of `ListTasks`.
    public func listParams(_ q: ListTasksQuery, tenant: String? = nil) -> JSONValue {
        var o = JSONObject()
        if let tenant { o.append("tenant", .string(tenant)) }
        if let c = q.contextId { o.append("contextId", .string(c)) }
        if let s = q.status { o.append("status", .string(s.v10Name)) }
        if let s = q.pageSize { o.append("pageSize", .number(Double(s))) }
        if let t = q.pageToken { o.append("pageToken", .string(t)) }
        if let h = q.historyLength { o.append("historyLength", .number(Double(h))) }
        if let i = q.includeArtifacts { o.append("includeArtifacts", .bool(i)) }
        return .object(o)
    }

    // MARK: Agent card

    /// The card in this generation's shape. With `hybrid`, a 1.0 card also carries the 0.3
    /// top-level fields (`url`, `preferredTransport`, `protocolVersion`,
    /// `supportsAuthenticatedExtendedCard`) so 0.3 clients can read it (a2a-wire.md §1.5).
    public func agentCard(_ card: AgentCard, hybrid: Bool = false) -> JSONValue {
        var o = JSONObject()
        o.append("name", .string(card.name))
        o.append("description", .string(card.description))
        if is10 {
            o.append("supportedInterfaces", .array(card.supportedInterfaces.map { i in
                var io = JSONObject()
                io.append("url", .string(i.url))
                io.append("protocolBinding", .string(i.protocolBinding))
                io.append("protocolVersion", .string(i.protocolVersion))
                if let t = i.tenant { io.append("tenant", .string(t)) }
                return .object(io)
            }))
        }
        o.append("version", .string(card.version))
        if let p = card.provider {
            var po = JSONObject()
            po.append("organization", .string(p.organization))
            if let u = p.url { po.append("url", .string(u)) }
            o.append("provider", .object(po))
        }
        if let d = card.documentationUrl { o.append("documentationUrl", .string(d)) }
        if let i = card.iconUrl { o.append("iconUrl", .string(i)) }
        var caps = JSONObject()
        if let s = card.capabilities.streaming { caps.append("streaming", .bool(s)) }
        if let p = card.capabilities.pushNotifications { caps.append("pushNotifications", .bool(p)) }
        if !is10, let h = card.capabilities.stateTransitionHistory { caps.append("stateTransitionHistory", .bool(h)) }
        if !card.capabilities.extensions.isEmpty {
            caps.append("extensions", .array(card.capabilities.extensions.map { e in
                var eo = JSONObject()
                eo.append("uri", .string(e.uri))
                if let d = e.description { eo.append("description", .string(d)) }
                eo.append("required", .bool(e.required))
                if let p = e.params { eo.append("params", .object(p)) }
                return .object(eo)
            }))
        }
        if is10, let x = card.capabilities.extendedAgentCard { caps.append("extendedAgentCard", .bool(x)) }
        o.append("capabilities", .object(caps))
        if let s = card.securitySchemes { o.append("securitySchemes", .object(s)) }
        if !card.securityRequirements.isEmpty {
            o.append(is10 ? "securityRequirements" : "security", .array(card.securityRequirements))
            if is10, hybrid {
                // 0.3 clients read `security: [{name: [scopes]}]` (a2a-wire.md §6.1).
                o.append("security", .array(card.securityRequirements.map(Self.legacySecurityRequirement)))
            }
        }
        o.append("defaultInputModes", .array(card.defaultInputModes.map { .string($0) }))
        o.append("defaultOutputModes", .array(card.defaultOutputModes.map { .string($0) }))
        o.append("skills", .array(card.skills.map { s in
            var so = JSONObject()
            so.append("id", .string(s.id))
            so.append("name", .string(s.name))
            so.append("description", .string(s.description))
            so.append("tags", .array(s.tags.map { .string($0) }))
            if !s.examples.isEmpty { so.append("examples", .array(s.examples.map { .string($0) })) }
            if !s.inputModes.isEmpty { so.append("inputModes", .array(s.inputModes.map { .string($0) })) }
            if !s.outputModes.isEmpty { so.append("outputModes", .array(s.outputModes.map { .string($0) })) }
            return .object(so)
        }))
        if !is10 || hybrid {
            // 0.3 fields: the first 0.3 (else first) interface is the main URL.
            let main = card.supportedInterfaces.first { $0.generation == .v0_3 } ?? card.supportedInterfaces.first
            if let main {
                o.append("url", .string(main.url))
                o.append("preferredTransport", .string(main.protocolBinding))
            }
            o.append("protocolVersion", .string(is10 ? "0.3" : (main?.protocolVersion ?? "0.3.0")))
            let others = card.supportedInterfaces.filter { $0 != main && $0.generation == .v0_3 }
            if !others.isEmpty {
                o.append("additionalInterfaces", .array(others.map { ["url": .string($0.url), "transport": .string($0.protocolBinding)] }))
            }
            if let x = card.capabilities.extendedAgentCard { o.append("supportsAuthenticatedExtendedCard", .bool(x)) }
        }
        return .object(o)
    }

    /// A 1.0 security requirement (`{"schemes": {name: {"list": [scopes]}}}`) in the 0.3 shape
    /// (`{name: [scopes]}`); a requirement already in the 0.3 shape is kept.
    static func legacySecurityRequirement(_ requirement: JSONValue) -> JSONValue {
        guard case .object(let o) = requirement, case .object(let schemes)? = o["schemes"] else { return requirement }
        var out = JSONObject()
        for (name, value) in schemes {
            out.append(name, .array(value.objectValue?["list"]?.arrayValue ?? []))
        }
        return .object(out)
    }
}

import Foundation

/// Decodes the A2A model from any dialect's JSON: 1.0 ProtoJSON, 0.3 `kind`-tagged JSON and
/// python-a2a's `type`-tagged shapes.
///
/// One decoder serves all three because peers mix them (a2a-wire.md §3.3): it detects an
/// object's type by `kind`, else by its wrapper member (`{"task":…}`), else by its shape, and
/// accepts both spellings of every enum in either mode. It ignores unknown members, reads
/// absent, `null`, `""` and `[]` alike for optional values, and takes integers that arrive as
/// doubles. Failures carry the JSON path (``WireDecodingError``).
public enum WireDecoder {
    // MARK: Top-level results

    /// A stream event (`result` of a streaming call, or a bare REST event).
    public static func streamResponse(_ json: JSONValue) throws(WireDecodingError) -> StreamResponse {
        let r = try ObjectReader(json)
        if let kind = r.object["kind"]?.stringValue {
            switch kind {
            case "task": return .task(try task(json))
            case "message": return .message(try message(json))
            case "status-update": return .statusUpdate(try statusUpdate(json))
            case "artifact-update": return .artifactUpdate(try artifactUpdate(json))
            default: throw WireDecodingError("unknown event kind '\(kind)'", at: ["kind"])
            }
        }
        if let v = r.object["statusUpdate"], !v.isNull {
            return .statusUpdate(try at("statusUpdate") { () throws(WireDecodingError) in try statusUpdate(v) })
        }
        if let v = r.object["artifactUpdate"], !v.isNull {
            return .artifactUpdate(try at("artifactUpdate") { () throws(WireDecodingError) in try artifactUpdate(v) })
        }
        if let v = r.object["task"], !v.isNull {
            return .task(try at("task") { () throws(WireDecodingError) in try task(v) })
        }
        if let v = r.object["message"], !v.isNull, !r.has("status") {
            return .message(try at("message") { () throws(WireDecodingError) in try message(v) })
        }
        // Shape detection.
        if r.has("artifact") { return .artifactUpdate(try artifactUpdate(json)) }
        if r.has("taskId"), r.has("status") { return .statusUpdate(try statusUpdate(json)) }
        if r.has("id"), r.has("status") { return .task(try task(json)) }
        if r.has("messageId"), r.has("role") { return .message(try message(json)) }
        throw WireDecodingError("not a stream event: expected a task, message, status update or artifact update")
    }

    /// The result of a non-streaming send: a task or a message.
    public static func sendResult(_ json: JSONValue) throws(WireDecodingError) -> SendMessageResult {
        switch try streamResponse(json) {
        case .task(let t): return .task(t)
        case .message(let m): return .message(m)
        case .statusUpdate, .artifactUpdate:
            throw WireDecodingError("expected a task or a message, got an update event")
        }
    }

    /// A task, bare or wrapped as `{"task":…}`.
    public static func taskResult(_ json: JSONValue) throws(WireDecodingError) -> A2ATask {
        if let inner = json["task"], inner.objectValue != nil, json["id"] == nil {
            return try at("task") { () throws(WireDecodingError) in try task(inner) }
        }
        return try task(json)
    }

    /// A page of `ListTasks`.
    public static func taskList(_ json: JSONValue) throws(WireDecodingError) -> TaskList {
        let r = try ObjectReader(json)
        return TaskList(
            tasks: try r.array("tasks") { v throws(WireDecodingError) in try task(v) },
            nextPageToken: try r.optionalString("nextPageToken"),
            pageSize: try r.int("pageSize"),
            totalSize: try r.int("totalSize")
        )
    }

    // MARK: Objects

    /// A task in any dialect.
    public static func task(_ json: JSONValue) throws(WireDecodingError) -> A2ATask {
        let r = try ObjectReader(json)
        let statusValue = try r.optional("status") { v throws(WireDecodingError) in try status(v) }
        return A2ATask(
            id: try r.string("id"),
            contextId: try r.firstString("contextId", "sessionId") ?? "",
            status: statusValue ?? TaskStatus(state: .unknown),
            artifacts: try r.array("artifacts") { v throws(WireDecodingError) in try artifact(v) },
            history: try r.array("history") { v throws(WireDecodingError) in try message(v) },
            metadata: r.metadata()
        )
    }

    /// A task status.
    public static func status(_ json: JSONValue) throws(WireDecodingError) -> TaskStatus {
        let r = try ObjectReader(json)
        let stateText = try r.optionalString("state") ?? ""
        var timestamp: Date?
        if let t = r.object["timestamp"]?.stringValue { timestamp = Timestamp.parse(t) }
        return TaskStatus(
            state: TaskState(lenient: stateText),
            message: try r.optional("message") { v throws(WireDecodingError) in try statusMessage(v) },
            timestamp: timestamp
        )
    }

    /// A status message; python-a2a sends `{"error": "…"}` here on failure.
    static func statusMessage(_ json: JSONValue) throws(WireDecodingError) -> Message {
        if let o = json.objectValue, o["parts"] == nil, o["content"] == nil, let error = o["error"] {
            let text = error.stringValue ?? JSONWriter.string(error)
            return Message(messageId: "", role: .agent, parts: [.text(text)])
        }
        return try message(json)
    }

    /// A message in any dialect.
    public static func message(_ json: JSONValue) throws(WireDecodingError) -> Message {
        let r = try ObjectReader(json)
        var parts = try r.array("parts") { v throws(WireDecodingError) in try part(v) }
        if parts.isEmpty, let content = r.object["content"], !content.isNull {
            // python-a2a's native form: one `content` object.
            parts = [try at("content") { () throws(WireDecodingError) in try part(content) }]
        }
        return Message(
            messageId: try r.firstString("messageId", "message_id") ?? "",
            role: Role(lenient: try r.optionalString("role") ?? ""),
            parts: parts,
            contextId: try r.firstString("contextId", "conversation_id"),
            taskId: try r.optionalString("taskId"),
            referenceTaskIds: try r.strings("referenceTaskIds"),
            extensions: try r.strings("extensions"),
            metadata: r.metadata()
        )
    }

    /// A part in any dialect: 1.0 (`text`/`raw`/`url`/`data` members), 0.3 (`kind`), python-a2a (`type`).
    public static func part(_ json: JSONValue) throws(WireDecodingError) -> Part {
        let r = try ObjectReader(json)
        var metadata = r.metadata()
        let tag = try r.firstString("kind", "type")
        if let tag {
            switch tag {
            case "text":
                return Part(.text(try r.optionalString("text") ?? ""), metadata: metadata)
            case "data":
                var data = r.object["data"] ?? .null
                if metadata?["data_part_compat"] == .bool(true), let inner = data["value"] {
                    // sdk13 wraps a non-object 1.0 data part as {"value": X} in 0.3 (a2a-wire.md §3.1).
                    data = inner
                    metadata?["data_part_compat"] = nil
                    if metadata?.isEmpty == true { metadata = nil }
                }
                return Part(.data(data), metadata: metadata)
            case "file":
                let file = try r.required("file") { v throws(WireDecodingError) in try ObjectReader(v) }
                let name = try at("file") { () throws(WireDecodingError) in try file.optionalString("name") }
                let mime = try at("file") { () throws(WireDecodingError) in try file.firstString("mimeType", "mime_type") }
                if let bytes = try at("file", { () throws(WireDecodingError) in try file.presentString("bytes") }) {
                    guard let data = LenientBase64.decode(bytes) else {
                        throw WireDecodingError("'bytes' is not base64", at: ["file", "bytes"])
                    }
                    return Part(.raw(data), filename: name, mediaType: mime, metadata: metadata)
                }
                let uri = try at("file") { () throws(WireDecodingError) in try file.firstString("uri", "url") ?? "" }
                return Part(.url(uri), filename: name, mediaType: mime, metadata: metadata)
            case "error":
                // python-a2a error content: {"type":"error","message":"…"}
                return Part(.text(try r.optionalString("message") ?? ""), metadata: metadata)
            default:
                // A content type we do not model (python-a2a function calls, future kinds): keep it as data.
                return Part(.data(json), metadata: metadata)
            }
        }
        let filename = try r.optionalString("filename")
        let mediaType = try r.optionalString("mediaType")
        if let text = r.object["text"], case .string(let t) = text {
            return Part(.text(t), filename: filename, mediaType: mediaType, metadata: metadata)
        }
        if let raw = try r.presentString("raw") {
            guard let data = LenientBase64.decode(raw) else {
                throw WireDecodingError("'raw' is not base64", at: ["raw"])
            }
            return Part(.raw(data), filename: filename, mediaType: mediaType, metadata: metadata)
        }
        if let url = try r.optionalString("url") {
            return Part(.url(url), filename: filename, mediaType: mediaType, metadata: metadata)
        }
        if let data = r.object["data"] {
            return Part(.data(data), filename: filename, mediaType: mediaType, metadata: metadata)
        }
        if r.object["text"] != nil {
            return Part(.text(""), filename: filename, mediaType: mediaType, metadata: metadata)
        }
        throw WireDecodingError("a part needs one of 'text', 'raw', 'url' or 'data'")
    }

    /// An artifact in any dialect.
    public static func artifact(_ json: JSONValue) throws(WireDecodingError) -> Artifact {
        let r = try ObjectReader(json)
        return Artifact(
            artifactId: try r.optionalString("artifactId") ?? "",
            name: try r.optionalString("name"),
            description: try r.optionalString("description"),
            parts: try r.array("parts") { v throws(WireDecodingError) in try part(v) },
            metadata: r.metadata(),
            extensions: try r.strings("extensions")
        )
    }

    /// A status update event (unwrapped).
    public static func statusUpdate(_ json: JSONValue) throws(WireDecodingError) -> TaskStatusUpdateEvent {
        let r = try ObjectReader(json)
        return TaskStatusUpdateEvent(
            taskId: try r.optionalString("taskId") ?? "",
            contextId: try r.optionalString("contextId") ?? "",
            status: try r.required("status") { v throws(WireDecodingError) in try status(v) },
            isFinal: try r.bool("final") ?? false,
            metadata: r.metadata()
        )
    }

    /// An artifact update event (unwrapped).
    public static func artifactUpdate(_ json: JSONValue) throws(WireDecodingError) -> TaskArtifactUpdateEvent {
        let r = try ObjectReader(json)
        return TaskArtifactUpdateEvent(
            taskId: try r.optionalString("taskId") ?? "",
            contextId: try r.optionalString("contextId") ?? "",
            artifact: try r.required("artifact") { v throws(WireDecodingError) in try artifact(v) },
            append: try r.bool("append") ?? false,
            lastChunk: try r.bool("lastChunk") ?? false,
            metadata: r.metadata()
        )
    }

    // MARK: Agent card

    /// An agent card of any version, normalised (a2a-wire.md §1.2).
    public static func agentCard(_ json: JSONValue) throws(WireDecodingError) -> AgentCard {
        let r = try ObjectReader(json)
        var interfaces = try r.array("supportedInterfaces") { v throws(WireDecodingError) -> AgentInterface in
            let i = try ObjectReader(v)
            return AgentInterface(
                url: try i.string("url"),
                protocolBinding: try i.firstString("protocolBinding", "transport") ?? "JSONRPC",
                protocolVersion: try i.optionalString("protocolVersion") ?? "0.3",
                tenant: try i.optionalString("tenant")
            )
        }
        if interfaces.isEmpty {
            let version = try r.optionalString("protocolVersion") ?? "0.3"
            if let url = try r.optionalString("url") {
                interfaces.append(AgentInterface(url: url, protocolBinding: try r.optionalString("preferredTransport") ?? "JSONRPC", protocolVersion: version))
            }
            let additional = try r.array("additionalInterfaces") { v throws(WireDecodingError) -> AgentInterface in
                let i = try ObjectReader(v)
                return AgentInterface(url: try i.string("url"), protocolBinding: try i.optionalString("transport") ?? "JSONRPC", protocolVersion: version)
            }
            for candidate in additional where !interfaces.contains(candidate) {
                interfaces.append(candidate)
            }
        }
        let caps = try r.optionalObject("capabilities").map { ObjectReader(object: $0) }
        var capabilities = AgentCapabilities()
        var isPythonA2A = false
        if let caps {
            capabilities = AgentCapabilities(
                streaming: try at("capabilities") { () throws(WireDecodingError) in try caps.bool("streaming") },
                pushNotifications: try at("capabilities") { () throws(WireDecodingError) in try caps.bool("pushNotifications") },
                stateTransitionHistory: try at("capabilities") { () throws(WireDecodingError) in try caps.bool("stateTransitionHistory") },
                extendedAgentCard: try at("capabilities") { () throws(WireDecodingError) in try caps.bool("extendedAgentCard") },
                extensions: try at("capabilities") { () throws(WireDecodingError) in
                    try caps.array("extensions") { v throws(WireDecodingError) -> AgentExtension in
                        let e = try ObjectReader(v)
                        return AgentExtension(
                            uri: try e.string("uri"),
                            description: try e.optionalString("description"),
                            required: try e.bool("required") ?? false,
                            params: try e.optionalObject("params")
                        )
                    }
                }
            )
            isPythonA2A = caps.object["google_a2a_compatible"] != nil || caps.object["parts_array_format"] != nil
        }
        if capabilities.extendedAgentCard == nil {
            capabilities.extendedAgentCard = try r.bool("supportsAuthenticatedExtendedCard")
        }
        var provider: AgentProvider?
        switch r.object["provider"] {
        case .string(let s)?: provider = AgentProvider(organization: s)
        case .object(let o)?:
            let p = ObjectReader(object: o)
            provider = AgentProvider(organization: try at("provider") { () throws(WireDecodingError) in try p.optionalString("organization") ?? "" },
                                     url: try at("provider") { () throws(WireDecodingError) in try p.optionalString("url") })
        default: break
        }
        var requirements = r.object["securityRequirements"]?.arrayValue ?? []
        if requirements.isEmpty { requirements = r.object["security"]?.arrayValue ?? [] }
        return AgentCard(
            name: try r.optionalString("name") ?? "",
            description: try r.optionalString("description") ?? "",
            version: try r.optionalString("version") ?? "",
            supportedInterfaces: interfaces,
            capabilities: capabilities,
            defaultInputModes: try r.strings("defaultInputModes"),
            defaultOutputModes: try r.strings("defaultOutputModes"),
            skills: try r.array("skills") { v throws(WireDecodingError) -> AgentSkill in
                let s = try ObjectReader(v)
                return AgentSkill(
                    id: try s.optionalString("id") ?? "",
                    name: try s.optionalString("name") ?? "",
                    description: try s.optionalString("description") ?? "",
                    tags: try s.strings("tags"),
                    examples: try s.strings("examples"),
                    inputModes: try s.strings("inputModes"),
                    outputModes: try s.strings("outputModes")
                )
            },
            provider: provider,
            documentationUrl: try r.optionalString("documentationUrl"),
            iconUrl: try r.optionalString("iconUrl"),
            securitySchemes: try r.optionalObject("securitySchemes"),
            securityRequirements: requirements,
            isPythonA2A: isPythonA2A
        )
    }

    // MARK: Requests (server side)

    /// The params of a send or stream request, in either generation.
    public static func sendParams(_ json: JSONValue) throws(WireDecodingError) -> SendMessageParams {
        let r = try ObjectReader(json)
        let sent = try r.required("message") { v throws(WireDecodingError) in try message(v) }
        var configuration = SendConfiguration()
        if let c = try r.optionalObject("configuration") {
            let cr = ObjectReader(object: c)
            try at("configuration") { () throws(WireDecodingError) in
                configuration.acceptedOutputModes = try cr.strings("acceptedOutputModes")
                configuration.historyLength = try cr.int("historyLength")
                if let ri = try cr.bool("returnImmediately") { configuration.returnImmediately = ri }
                if let blocking = try cr.bool("blocking") { configuration.returnImmediately = !blocking }
            }
        }
        return SendMessageParams(message: sent, configuration: configuration, metadata: r.metadata(), tenant: try r.optionalString("tenant"))
    }
}

/// The params of a send or stream request.
public struct SendMessageParams: Sendable, Equatable {
    public var message: Message
    public var configuration: SendConfiguration
    public var metadata: JSONObject?
    public var tenant: String?

    public init(message: Message, configuration: SendConfiguration = SendConfiguration(), metadata: JSONObject? = nil, tenant: String? = nil) {
        self.message = message
        self.configuration = configuration
        self.metadata = metadata
        self.tenant = tenant
    }
}

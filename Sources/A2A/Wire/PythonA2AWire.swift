/// The python-a2a 0.5 legacy dialect (a2a-wire.md §8): `POST /stream` with `content`/`meta`
/// chunks, and JSON-RPC `tasks/send` with `type`-tagged parts and `sessionId`.
public enum PythonA2AWire {
    /// The native message python-a2a's server reads on `/stream` and in `tasks/send`:
    /// `{"content":{"type":"text","text":…},"role":"user","message_id":…}`.
    /// Never `kind`-tagged or 1.0 parts: python-a2a silently reads those as empty text.
    public static func nativeMessage(_ message: Message) -> JSONValue {
        var o = JSONObject()
        o.append("content", ["type": "text", "text": .string(message.text)])
        o.append("role", message.role == .agent ? "agent" : "user")
        o.append("message_id", .string(message.messageId.isEmpty ? IDs.make() : message.messageId))
        if let c = message.contextId { o.append("conversation_id", .string(c)) }
        if let m = message.metadata, !m.isEmpty { o.append("metadata", .object(m)) }
        return .object(o)
    }

    /// The params of `tasks/send`: `{id, sessionId, message}`.
    public static func tasksSendParams(taskId: String, sessionId: String, message: Message) -> JSONValue {
        ["id": .string(taskId), "sessionId": .string(sessionId), "message": nativeMessage(message)]
    }

    /// A task in python-a2a's shape, for its `tasks/send` and `/tasks/stream` clients:
    /// `type`-tagged text parts, `sessionId`, and `waiting` for working (its clients reject `working`).
    public static func task(_ t: A2ATask, text: String? = nil) -> JSONValue {
        var o = JSONObject()
        o.append("id", .string(t.id))
        o.append("sessionId", .string(t.contextId))
        var status = JSONObject()
        status.append("state", .string(t.status.state.pythonA2AName))
        if t.status.state == .failed || t.status.state == .rejected, let m = t.status.message {
            status.append("message", ["error": .string(m.text)])
        } else if let m = t.status.message {
            status.append("message", ["role": "agent", "content": ["type": "text", "text": .string(m.text)]])
        }
        status.append("timestamp", .string(Timestamp.format(t.status.timestamp ?? .now)))
        o.append("status", .object(status))
        let output = text ?? t.artifactText
        o.append("artifacts", [["parts": [["type": "text", "text": .string(output)]]]])
        if let m = t.metadata, !m.isEmpty { o.append("metadata", .object(m)) }
        return .object(o)
    }

    /// One `/stream` event: `{"content": "…", "index": n, "append": true[, "lastChunk": true][, "meta": {…}]}`.
    /// `content` is always a string: python-a2a's `A2AClient` only yields string content as text.
    public static func chunk(_ text: String, index: Int, lastChunk: Bool = false, meta: JSONObject? = nil) -> JSONValue {
        var o = JSONObject()
        o.append("content", .string(text))
        o.append("index", .number(Double(index)))
        o.append("append", true)
        if lastChunk { o.append("lastChunk", true) }
        if let meta, !meta.isEmpty { o.append("meta", .object(meta)) }
        return .object(o)
    }
}

/// One event of python-a2a's `POST /stream`, decoded.
public struct PythonA2AChunk: Sendable, Equatable {
    /// The text delta.
    public var text: String
    /// `index` as sent.
    public var index: Int?
    /// `lastChunk` was set (python-a2a often loses this event; the end is EOF).
    public var lastChunk: Bool
    /// Progress in 0…1 if the chunk carried one (`content.progress`, `meta.progress`).
    public var progress: Double?
    /// Everything else the chunk carried beside the text (`meta`, extra `content` members).
    public var metadata: JSONObject?

    public init(text: String, index: Int? = nil, lastChunk: Bool = false, progress: Double? = nil, metadata: JSONObject? = nil) {
        self.text = text
        self.index = index
        self.lastChunk = lastChunk
        self.progress = progress
        self.metadata = metadata
    }

    /// Decodes an event's JSON. `content` is a string, or an object whose text is `content`
    /// (or `text`) and whose other members are metadata; `meta` sits beside it.
    /// - Throws: ``PythonA2AStreamError`` for an `{"error": …}` event.
    public static func decode(_ json: JSONValue) throws -> PythonA2AChunk {
        guard case .object(let o) = json else {
            throw WireDecodingError("expected an object, got \(json.typeDescription)")
        }
        if let error = o["error"], o["content"] == nil {
            throw PythonA2AStreamError(message: error.stringValue ?? JSONWriter.string(error))
        }
        var chunk = PythonA2AChunk(text: "", index: o["index"]?.intValue, lastChunk: o["lastChunk"]?.boolValue ?? false)
        var metadata = JSONObject()
        switch o["content"] {
        case .string(let s)?:
            chunk.text = s
        case .object(let c)?:
            chunk.text = c["content"]?.stringValue ?? c["text"]?.stringValue ?? ""
            for (k, v) in c where k != "content" && k != "text" { metadata[k] = v }
        case let other?:
            if !other.isNull { chunk.text = JSONWriter.string(other) }
        case nil:
            break
        }
        if let meta = o["meta"]?.objectValue {
            for (k, v) in meta { metadata[k] = v }
        }
        if let p = metadata["progress"]?.doubleValue {
            chunk.progress = p > 1 ? p / 100 : p
        }
        chunk.metadata = metadata.isEmpty ? nil : metadata
        return chunk
    }
}

/// An `event: error` from a python-a2a stream.
public struct PythonA2AStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

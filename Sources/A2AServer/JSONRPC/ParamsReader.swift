import A2A

/// Reads and checks request params; every problem is a -32602 naming the field.
enum ParamsReader {
    static func object(_ params: JSONValue?) throws(A2AServerError) -> JSONObject {
        guard case .object(let o)? = params else {
            throw .invalidParams("params must be an object", field: "params")
        }
        return o
    }

    /// The params of a send or stream request, checked: a message with a `messageId`, the
    /// user role and at least one part.
    static func send(_ params: JSONValue?) throws(A2AServerError) -> SendMessageParams {
        let o = try object(params)
        let p: SendMessageParams
        do {
            p = try WireDecoder.sendParams(.object(o))
        } catch {
            throw .invalidParams("Invalid params at \(error.path): \(error.reason)", field: field(error.components))
        }
        guard case .object(let raw)? = o["message"] else {
            throw .invalidParams("message must be an object", field: "message")
        }
        guard !p.message.messageId.isEmpty else {
            throw .invalidParams("message.messageId is required", field: "message.messageId")
        }
        guard raw["role"] != nil else {
            throw .invalidParams("message.role is required", field: "message.role")
        }
        guard p.message.role == .user else {
            throw .invalidParams("message.role must be the user role", field: "message.role")
        }
        guard !p.message.parts.isEmpty else {
            throw .invalidParams("message.parts must contain at least one part", field: "message.parts")
        }
        if let h = p.configuration.historyLength, h < 0 {
            throw .invalidParams("configuration.historyLength must not be negative", field: "configuration.historyLength")
        }
        return p
    }

    /// The `id` of get, cancel and subscribe.
    static func taskId(_ o: JSONObject) throws(A2AServerError) -> String {
        guard case .string(let id)? = o["id"], !id.isEmpty else {
            throw .invalidParams("id must be a non-empty string", field: "id")
        }
        return id
    }

    /// An optional non-negative integer.
    static func count(_ o: JSONObject, _ key: String, range: ClosedRange<Int> = 0...Int.max) throws(A2AServerError) -> Int? {
        guard let v = o[key], !v.isNull else { return nil }
        guard let n = v.intValue, range.contains(n) else {
            let bounds = range.upperBound == Int.max ? "a whole number ≥ \(range.lowerBound)" : "a whole number from \(range.lowerBound) to \(range.upperBound)"
            throw .invalidParams("\(key) must be \(bounds)", field: key)
        }
        return n
    }

    /// `ListTasks` params.
    static func list(_ params: JSONValue?) throws(A2AServerError) -> (query: TaskStoreQuery, historyLength: Int?, includeArtifacts: Bool) {
        let o = params == nil ? JSONObject() : try object(params)
        var query = TaskStoreQuery()
        query.pageSize = try count(o, "pageSize", range: 1...100) ?? 50
        if let v = o["pageToken"], !v.isNull {
            guard let t = v.stringValue else { throw .invalidParams("pageToken must be a string", field: "pageToken") }
            query.pageToken = t.isEmpty ? nil : t
        }
        if let v = o["contextId"], !v.isNull {
            guard let c = v.stringValue else { throw .invalidParams("contextId must be a string", field: "contextId") }
            query.contextId = c.isEmpty ? nil : c
        }
        if let v = o["status"], !v.isNull {
            guard let s = v.stringValue else { throw .invalidParams("status must be a task state", field: "status") }
            let state = TaskState(lenient: s)
            if state == .unknown, !s.isEmpty, s.uppercased() != "TASK_STATE_UNSPECIFIED" {
                throw .invalidParams("status '\(s)' is not a task state", field: "status")
            }
            query.state = state == .unknown ? nil : state
        }
        var includeArtifacts = false
        if let v = o["includeArtifacts"], !v.isNull {
            guard let b = v.boolValue else { throw .invalidParams("includeArtifacts must be a boolean", field: "includeArtifacts") }
            includeArtifacts = b
        }
        return (query, try count(o, "historyLength"), includeArtifacts)
    }

    static func field(_ components: [String]) -> String {
        var out = ""
        for c in components {
            if c.hasPrefix("[") { out += c } else { out += out.isEmpty ? c : "." + c }
        }
        return out.isEmpty ? "params" : out
    }
}

extension A2ATask {
    /// The task with at most the last `historyLength` messages (`nil` keeps all).
    func trimmed(historyLength: Int?, includeArtifacts: Bool = true) -> A2ATask {
        var t = self
        if let h = historyLength { t.history = h == 0 ? [] : Array(t.history.suffix(h)) }
        if !includeArtifacts { t.artifacts = [] }
        return t
    }
}

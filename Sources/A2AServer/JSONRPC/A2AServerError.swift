import A2A

/// An error to answer a request with: the JSON-RPC error, and for invalid params the field
/// at fault (1.0 answers carry it as a `google.rpc.BadRequest` field violation).
struct A2AServerError: Error, Sendable {
    var error: JSONRPCError
    var field: String?
    /// The server refused new work (``A2AServerConfiguration/maxConcurrentRuns``): answered with
    /// HTTP 503 and `Retry-After`, not on HTTP 200.
    var isBusy = false

    init(_ error: JSONRPCError, field: String? = nil) {
        self.error = error
        self.field = field
    }

    /// Too many runs in progress.
    static func busy(limit: Int) -> A2AServerError {
        var e = A2AServerError(.internalError("The server is busy: \(limit) task runs are already in progress, its limit (maxConcurrentRuns); try again shortly"))
        e.isBusy = true
        return e
    }

    static func taskNotFound(_ id: String) -> A2AServerError { A2AServerError(.taskNotFound(id)) }

    static func invalidParams(_ message: String, field: String? = nil) -> A2AServerError {
        A2AServerError(.invalidParams(message), field: field)
    }

    /// The error as sent in a generation: 1.0 A2A errors carry the `ErrorInfo` array (and a
    /// `BadRequest` for invalid params); 0.3 errors carry no `data`.
    func response(id: JSONValue?, dialect: ProtocolDialect) -> JSONValue {
        var e = error
        if dialect == .v1_0, e.data == nil, let reason = JSONRPCError.reason(of: e.code) {
            var details: [JSONValue] = [[
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": .string(reason),
                "domain": "a2a-protocol.org",
                "metadata": .object(JSONObject()),
            ]]
            if e.code == JSONRPCError.invalidParamsCode, let field {
                details.append([
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [["field": .string(field), "description": .string(e.message)]],
                ])
            }
            e.data = .array(details)
        }
        return JSONRPCResponse(id: id, error: e).json()
    }
}

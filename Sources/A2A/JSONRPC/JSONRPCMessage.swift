/// A JSON-RPC 2.0 request.
public struct JSONRPCRequest: Sendable, Equatable {
    /// The id, echoed with its JSON type; `nil` when the member is absent (a notification).
    public var id: JSONValue?
    public var method: String
    public var params: JSONValue?

    public init(id: JSONValue?, method: String, params: JSONValue?) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// The request as JSON.
    public var json: JSONValue {
        var o = JSONObject()
        o.append("jsonrpc", "2.0")
        if let id { o.append("id", id) }
        o.append("method", .string(method))
        if let params { o.append("params", params) }
        return .object(o)
    }

    /// Reads a request strictly, as the JSON-RPC spec says: an object with `"jsonrpc":"2.0"`,
    /// a string `method`, an optional id that is a string, number or null, and optional
    /// `params` that are an object or array. Batches (arrays) are refused.
    /// - Throws: the JSON-RPC error to send back (-32700 or -32600), with the id when known.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONRPCRequestError) -> JSONRPCRequest {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw JSONRPCRequestError(id: .null, error: .parseError("Parse error: \(error.reason) at byte \(error.offset)"))
        }
        return try parse(value)
    }

    /// Reads a parsed request strictly; see ``parse(_:)-(some Collection<UInt8>)``.
    public static func parse(_ value: JSONValue) throws(JSONRPCRequestError) -> JSONRPCRequest {
        if case .array = value {
            throw JSONRPCRequestError(id: .null, error: .invalidRequest("Batch requests are not supported"))
        }
        guard case .object(let o) = value else {
            throw JSONRPCRequestError(id: .null, error: .invalidRequest("A request must be a JSON object"))
        }
        var id: JSONValue? = o["id"]
        switch id {
        case nil, .string?, .number?, .null?: break
        default:
            id = .null
            throw JSONRPCRequestError(id: .null, error: .invalidRequest("'id' must be a string, a number or null"))
        }
        guard o["jsonrpc"] == .string("2.0") else {
            throw JSONRPCRequestError(id: id ?? .null, error: .invalidRequest("'jsonrpc' must be \"2.0\""))
        }
        guard case .string(let method)? = o["method"], !method.isEmpty else {
            throw JSONRPCRequestError(id: id ?? .null, error: .invalidRequest("'method' must be a non-empty string"))
        }
        let params = o["params"]
        switch params {
        case nil, .object?, .array?: break
        case .null?: break
        default:
            throw JSONRPCRequestError(id: id ?? .null, error: .invalidRequest("'params' must be an object or an array"))
        }
        return JSONRPCRequest(id: id, method: method, params: params == .null ? nil : params)
    }
}

/// A request that must be answered with a JSON-RPC error.
public struct JSONRPCRequestError: Error, Sendable, Equatable {
    /// The id to answer with (`null` when it could not be read).
    public var id: JSONValue
    public var error: JSONRPCError
}

/// A JSON-RPC 2.0 response: a result or an error.
public struct JSONRPCResponse: Sendable, Equatable {
    public var id: JSONValue?
    public var outcome: Result<JSONValue, JSONRPCError>

    public init(id: JSONValue?, result: JSONValue) {
        self.id = id
        self.outcome = .success(result)
    }

    public init(id: JSONValue?, error: JSONRPCError) {
        self.id = id
        self.outcome = .failure(error)
    }

    /// The response as JSON. A 1.0 response for an A2A error adds the `ErrorInfo` detail when
    /// `addErrorInfo` is set and the error has no data of its own (a2a-wire.md §5).
    public func json(addErrorInfo: Bool = false) -> JSONValue {
        var o = JSONObject()
        o.append("jsonrpc", "2.0")
        o.append("id", id ?? .null)
        switch outcome {
        case .success(let result):
            o.append("result", result)
        case .failure(let error):
            var e = JSONObject()
            e.append("code", .number(Double(error.code)))
            e.append("message", .string(error.message))
            if let data = error.data {
                e.append("data", data)
            } else if addErrorInfo, let reason = JSONRPCError.reason(of: error.code), error.code >= -32099 || error.code == -32602 || error.code == -32603 || error.code == -32600 {
                e.append("data", [
                    [
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": .string(reason),
                        "domain": "a2a-protocol.org",
                        "metadata": .object(JSONObject()),
                    ]
                ])
            }
            o.append("error", .object(e))
        }
        return .object(o)
    }

    /// Reads a response strictly: `"jsonrpc":"2.0"` and exactly one of `result` and `error`,
    /// the error with an integer `code` and a string `message`. `error.data` may be anything.
    public static func parse(_ value: JSONValue) throws(WireDecodingError) -> JSONRPCResponse {
        guard case .object(let o) = value else {
            throw WireDecodingError("a JSON-RPC response must be an object, got \(value.typeDescription)")
        }
        guard o["jsonrpc"] == .string("2.0") else {
            throw WireDecodingError("not a JSON-RPC 2.0 response: 'jsonrpc' is not \"2.0\"", at: ["jsonrpc"])
        }
        let id = o["id"]
        // A `null` error reads as absent (some servers write `"error": null` beside a result).
        // A `null` result is a valid result.
        let result = o["result"]
        let error = o["error"].flatMap { $0.isNull ? nil : $0 }
        switch (result, error) {
        case (let r?, nil):
            return JSONRPCResponse(id: id, result: r)
        case (nil, let e?), (.null?, let e?):
            // An error beside `"result": null` is an error.
            guard case .object(let eo) = e else {
                throw WireDecodingError("expected an object, got \(e.typeDescription)", at: ["error"])
            }
            guard let code = eo["code"]?.intValue else {
                throw WireDecodingError("'code' must be an integer", at: ["error", "code"])
            }
            let message = eo["message"]?.stringValue ?? ""
            return JSONRPCResponse(id: id, error: JSONRPCError(code: code, message: message, data: eo["data"]))
        case (_?, _?):
            throw WireDecodingError("a response has both 'result' and 'error'")
        case (nil, nil):
            throw WireDecodingError("a response has neither 'result' nor 'error'")
        }
    }
}

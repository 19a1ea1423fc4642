import A2A
import HTTPTypes
import Hummingbird

/// Small builders for the server's HTTP answers.
enum HTTPResponses {
    /// A JSON body (`application/json`), HTTP 200 unless told otherwise.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        JSONWriterBuffer.write(value, into: &buffer)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    /// The headers of every SSE stream (a2a-wire.md §4.1).
    static var sseHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return headers
    }

    /// A stream of exactly one event, then the end (0.3 errors before the first event).
    static func singleEvent(_ value: JSONValue, event: String? = nil) -> Response {
        var buffer = ByteBuffer()
        SSEEncoder.write(json: value, event: event, into: &buffer)
        return Response(status: .ok, headers: sseHeaders, body: ResponseBody(byteBuffer: buffer))
    }

    /// HTTP 503 with `Retry-After: 1` and a JSON-RPC error body: the server is at its limit of
    /// concurrent runs (nothing is queued).
    static func busy(_ body: JSONValue) -> Response {
        var response = json(body, status: .serviceUnavailable)
        response.headers[.retryAfter] = "1"
        return response
    }

    /// HTTP 413 with a JSON-RPC error body, for a request body over the limit.
    static func tooLarge(limit: Int, dialect: ProtocolDialect) -> Response {
        let error = A2AServerError(.invalidRequest("The request body is larger than the server's limit of \(limit) bytes"))
        return json(error.response(id: nil, dialect: dialect), status: .contentTooLarge)
    }
}

/// Writes JSON straight into a `ByteBuffer`.
enum JSONWriterBuffer {
    static func write(_ value: JSONValue, into buffer: inout ByteBuffer) {
        buffer.writeBytes(JSONWriter.bytes(value))
    }
}

import A2A
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A small OpenAI-compatible chat-completions server for the `llm` agent's tests — the only
/// stand-in for a real model server in the suite (docs/builtins.md).
///
/// `POST /v1/chat/completions` answers by the last user message:
/// - `error401` → HTTP 401 `{"error": {"message": "Invalid API key provided", …}}`;
/// - `error500` → HTTP 500 `{"error": {"message": "The model crashed", …}}`;
/// - `midstream` → one content chunk, then `data: {"error": {"message": "model overloaded"}}`;
/// - anything else → `Echo: <text>` streamed one word per SSE event
///   (`choices[0].delta.content`), then a usage chunk when `stream_options.include_usage`
///   is set, then `data: [DONE]`.
///
/// Every request body and `Authorization` header is recorded.
final class FakeLLMServer: Sendable {
    struct Received: Sendable {
        var body: JSONValue
        var authorization: String?
    }

    private let received = Mutex<[Received]>([])

    /// The requests received so far.
    var requests: [Received] { received.withLock { $0 } }

    /// Runs the server on an ephemeral port for the duration of `body`, which gets the base
    /// URL (`http://127.0.0.1:PORT/v1`).
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let json = (try? JSONParser().parse(Array(buffer: bytes))) ?? .null
            self.received.withLock { $0.append(Received(body: json, authorization: request.headers[.authorization])) }
            let text = json["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
            return Self.answer(text, includeUsage: json["stream_options"]?["include_usage"]?.boolValue == true)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/v1")
        }
    }

    static func answer(_ text: String, includeUsage: Bool) -> Response {
        func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
            let body = #"{"error":{"message":"\#(message)","type":"invalid_request_error","code":null}}"#
            return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        switch text {
        case "error401": return error(.unauthorized, "Invalid API key provided")
        case "error500": return error(.internalServerError, "The model crashed")
        default: break
        }
        let words = ("Echo: " + text).wordChunks
        let events: [String]
        if text == "midstream" {
            events = [delta("partial "), #"{"error":{"message":"model overloaded"}}"#]
        } else {
            var e = [#"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#]
            e += words.map(delta)
            e.append(#"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#)
            if includeUsage {
                e.append(#"{"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":\#(words.count),"total_tokens":\#(7 + words.count)}}"#)
            }
            e.append("[DONE]")
            events = e
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                for event in events {
                    try await writer.write(ByteBuffer(string: "data: \(event)\n\n"))
                }
                try await writer.finish(nil)
            })
    }

    static func delta(_ content: String) -> String {
        JSONWriter.string(["id": "c1", "object": "chat.completion.chunk", "choices": [["index": 0, "delta": ["content": .string(content)]]]])
    }
}

extension String {
    /// Words with their trailing whitespace.
    fileprivate var wordChunks: [String] {
        var out: [String] = []
        var current = ""
        for ch in self {
            if !ch.isWhitespace, current.last?.isWhitespace == true {
                out.append(current)
                current = ""
            }
            current.append(ch)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}

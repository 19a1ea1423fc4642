import A2A
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Streams a reply from any OpenAI-compatible chat-completions endpoint (a local Ollama,
/// vLLM or llama.cpp server, or a hosted API), token by token.
///
/// It POSTs `{base_url}/chat/completions` with `stream: true` and
/// `stream_options: {include_usage: true}`, reads the SSE body with A2A's ``SSEDecoder``, and
/// streams each `choices[0].delta.content` as an artifact chunk until `data: [DONE]` (or the
/// end of the body). Token usage (`prompt_tokens`, `completion_tokens`, `total_tokens`) is
/// reported in the last progress update's metadata under `usage`; with `max_tokens` set,
/// progress updates every 16 chunks estimate `progress` as chunks / `max_tokens`. An HTTP
/// error (4xx/5xx, body `{"error": {"message": …}}`) or an `error` object inside the stream
/// fails the task with the status and the server's message.
public struct LLMAgent: AgentExecutor {
    /// Where to send requests and what to ask for.
    public struct Configuration: Sendable, Equatable {
        /// The API's base URL, up to and including `/v1`.
        public var baseURL = LLMAgent.defaultBaseURL
        /// The model name.
        public var model = LLMAgent.defaultModel
        /// The environment variable holding the API key (sent as `Authorization: Bearer …`).
        public var apiKeyVariable: String?
        /// A system prompt.
        public var system: String?
        /// Sampling temperature.
        public var temperature: Double?
        /// The longest reply, in tokens.
        public var maxTokens: Int?
        /// The longest silence allowed while waiting for the server, in seconds.
        public var idleTimeout: Double = 300

        public init() {}
    }

    /// Ollama's OpenAI-compatible endpoint on this machine.
    public static let defaultBaseURL = "http://127.0.0.1:11434/v1"
    /// A small model Ollama serves.
    public static let defaultModel = "llama3.2"

    /// The configuration.
    public var configuration: Configuration
    /// The chat-completions URL.
    public let endpoint: URL

    /// - Throws: ``BuiltinAgentError/invalidSetting(_:)`` when `base_url` is not an http(s) URL.
    public init(_ configuration: Configuration) throws(BuiltinAgentError) {
        var base = configuration.baseURL.trimmingSpaces
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + "/chat/completions"), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw .invalidSetting("base_url=\(configuration.baseURL): expected an http:// or https:// URL")
        }
        self.configuration = configuration
        self.endpoint = url
    }

    /// The JSON request body for `input`.
    public func requestBody(_ input: String) -> JSONValue {
        var messages: [JSONValue] = []
        if let system = configuration.system, !system.isEmpty {
            messages.append(["role": "system", "content": .string(system)])
        }
        messages.append(["role": "user", "content": .string(input)])
        var body: JSONObject = [
            "model": .string(configuration.model), "messages": .array(messages), "stream": true,
            "stream_options": ["include_usage": true],
        ]
        if let t = configuration.temperature { body["temperature"] = .number(t) }
        if let m = configuration.maxTokens { body["max_tokens"] = .number(Double(m)) }
        return .object(body)
    }

    public func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        var request = URLRequest(url: endpoint, timeoutInterval: configuration.idleTimeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        // An unset key variable means "no key": local servers (Ollama, llama.cpp) need none. If
        // the server wants one, its 401/403 says so and the failure names the variable.
        var unsetKeyVariable: String?
        if let variable = configuration.apiKeyVariable, !variable.isEmpty {
            if let key = ProcessInfo.processInfo.environment[variable], !key.isEmpty {
                request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
            } else {
                unsetKeyVariable = variable
            }
        }
        request.httpBody = Data(JSONWriter.bytes(requestBody(context.userInput)))
        try await updater.startWork("asking \(configuration.model)")

        let stream = HTTPByteStream(request: request)
        var decoder = SSEDecoder()
        var status = 0
        var errorBody: [UInt8] = []
        var chunks = 0
        var usage: JSONObject?
        var done = false
        for await event in stream.events {
            switch event {
            case .response(let code):
                status = code
            case .data(let bytes):
                if status >= 400 {
                    if errorBody.count < 64 * 1024 { errorBody += bytes }
                    continue
                }
                decoder.push(bytes)
                while !done, let sse = try decoder.next() {
                    let data = sse.data.trimmingSpaces
                    if data == "[DONE]" {
                        done = true
                        break
                    }
                    guard !data.isEmpty, let json = try? JSONParser().parse(data) else { continue }
                    if let message = Self.errorMessage(json) {
                        try await updater.fail("llm: \(endpoint.absoluteString) sent an error in the stream: \(message)")
                        return
                    }
                    if case .object(let u)? = json["usage"] { usage = u }
                    if let content = json["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue, !content.isEmpty {
                        try await updater.addArtifact(text: content, lastChunk: false)
                        chunks += 1
                        if let max = configuration.maxTokens, chunks % 16 == 0 {
                            try await updater.progress(min(0.99, Double(chunks) / Double(max)), "\(chunks) tokens", metadata: ["tokens": .number(Double(chunks))])
                        }
                    }
                }
                if done { stream.cancel() }
            case .end(let error):
                try Task.checkCancellation()
                if status >= 400 {
                    let body = String(decoding: errorBody, as: UTF8.self)
                    let message = (try? JSONParser().parse(body)).flatMap(Self.errorMessage) ?? String(body.prefix(500))
                    var hint = ""
                    if status == 401 || status == 403, let variable = unsetKeyVariable {
                        hint = " (no API key was sent: the environment variable \(variable), named by api_key_env, is not set)"
                    }
                    try await updater.fail("llm: \(endpoint.absoluteString) answered HTTP \(status): \(message)\(hint)")
                    return
                }
                if let error, !done {
                    try await updater.fail(Self.describeTransportError(error, endpoint: endpoint))
                    return
                }
            }
        }
        try Task.checkCancellation()
        if status == 0 {
            try await updater.fail("llm: no answer from \(endpoint.absoluteString)")
            return
        }
        var metadata: JSONObject = ["tokens": .number(Double(chunks))]
        var text = "\(chunks) chunks"
        if let usage {
            metadata["usage"] = .object(usage)
            let prompt = usage["prompt_tokens"]?.intValue ?? 0, completion = usage["completion_tokens"]?.intValue ?? 0
            text = "\(prompt) prompt tokens, \(completion) completion tokens"
        }
        try await updater.progress(1, text, metadata: metadata)
        try await updater.finishArtifact()
        try await updater.complete()
    }

    /// One line for a failure to talk to the server at all, as a person would say it
    /// (`connection refused at 127.0.0.1:11434 — is the server running?`), instead of
    /// Foundation's NSError dump.
    static func describeTransportError(_ error: any Error, endpoint: URL) -> String {
        let place = endpoint.host.map { host in endpoint.port.map { "\(host):\($0)" } ?? host } ?? endpoint.absoluteString
        let code = (error as? URLError)?.code ?? URLError.Code(rawValue: (error as NSError).domain == NSURLErrorDomain ? (error as NSError).code : 0)
        switch code {
        case .cannotConnectToHost: return "connection refused at \(place) — is the server running?"
        case .cannotFindHost, .dnsLookupFailed: return "cannot resolve the host '\(endpoint.host ?? place)' — check base_url"
        case .timedOut: return "no answer from \(place) in time (timed out) — is the server overloaded, or is idle_timeout too short?"
        case .networkConnectionLost: return "the connection to \(place) was lost during the reply"
        case .notConnectedToInternet: return "no network to reach \(place)"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            return "the TLS connection to \(place) failed — check the certificate or use http:// for a local server"
        default:
            let ns = error as NSError
            let text = ns.localizedFailureReason ?? ns.localizedDescription
            return "cannot reach \(place): \(text.prefix(200))"
        }
    }

    /// The message of an OpenAI-style error object (`{"error": {"message": …}}` or
    /// `{"error": "…"}`), if `json` is one.
    static func errorMessage(_ json: JSONValue) -> String? {
        guard let error = json["error"], !error.isNull else { return nil }
        if let s = error.stringValue { return s }
        if let m = error["message"]?.stringValue { return m }
        return JSONWriter.string(error)
    }
}

/// One HTTP request whose response arrives as events, body bytes as they are received
/// (URLSession with a data delegate: FoundationNetworking on Linux, Foundation elsewhere).
///
/// The body is small (an LLM's reply), so the stream buffers without a bound.
final class HTTPByteStream: Sendable {
    enum Event: Sendable {
        case response(Int)
        case data([UInt8])
        case end((any Error)?)
    }

    let events: AsyncStream<Event>
    private let task: URLSessionDataTask
    private let session: URLSession

    init(request: URLRequest) {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        self.events = events
        let delegate = Delegate(continuation)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = request.timeoutInterval
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        task = session.dataTask(with: request)
        let task = self.task, session = self.session
        continuation.onTermination = { _ in
            task.cancel()
            session.finishTasksAndInvalidate()
        }
        task.resume()
    }

    /// Stops the request.
    func cancel() {
        task.cancel()
    }

    private final class Delegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        // Only the session's serial delegate queue calls these methods.
        let continuation: AsyncStream<Event>.Continuation

        init(_ continuation: AsyncStream<Event>.Continuation) {
            self.continuation = continuation
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse, completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            continuation.yield(.response((response as? HTTPURLResponse)?.statusCode ?? 200))
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            continuation.yield(.data([UInt8](data)))
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            continuation.yield(.end(error))
            continuation.finish()
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// What a ``RecordingServer`` received: method, path and headers of every request.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    /// By lowercased name.
    var headers: [String: String]
}

/// A loopback HTTP server (Hummingbird, ephemeral port) that records every request and answers
/// with `respond`; for tests of what a client sends where.
final class RecordingServer: Sendable {
    let requests = Mutex<[RecordedRequest]>([])

    func record(_ request: Request) {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        requests.withLock { $0.append(RecordedRequest(method: request.method.rawValue, path: request.uri.path, headers: headers)) }
    }

    var recorded: [RecordedRequest] { requests.withLock { $0 } }
}

/// Runs a ``RecordingServer`` answering with `respond(request, baseURL)` for the duration of `body`.
func withRecordingServer<T: Sendable>(
    respond: @escaping @Sendable (Request, String) async -> Response,
    _ body: @Sendable (RecordingServer, String) async throws -> T
) async throws -> T {
    let recorder = RecordingServer()
    let portBox = PortBox()
    let router = Router()
    let baseURL = Mutex("")
    router.add(middleware: RecordingMiddleware<BasicRequestContext>(recorder: recorder, respond: respond, baseURL: { baseURL.withLock { $0 } }))
    var logger = Logger(label: "test.recording")
    logger.logLevel = .critical
    let app = Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in portBox.set(channel.localAddress?.port ?? 0) },
        logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await app.run()
            return nil
        }
        let port = try await portBox.wait()
        let url = "http://127.0.0.1:\(port)"
        baseURL.withLock { $0 = url }
        let result = try await body(recorder, url)
        group.cancelAll()
        return result
    }
}

/// Records each request and answers it (no routes needed).
struct RecordingMiddleware<Context: RequestContext>: RouterMiddleware {
    let recorder: RecordingServer
    let respond: @Sendable (Request, String) async -> Response
    let baseURL: @Sendable () -> String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        recorder.record(request)
        return await respond(request, baseURL())
    }
}

/// The bound port, awaited with a bound.
final class PortBox: Sendable {
    private let signal = Signal()
    private let port = Mutex(0)

    func set(_ value: Int) {
        port.withLock { $0 = value }
        signal.fire()
    }

    func wait() async throws -> Int {
        guard await signal.wait(timeout: .seconds(30)) else {
            struct NotListening: Error {}
            throw NotListening()
        }
        return port.withLock { $0 }
    }
}

/// A JSON response.
func jsonResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
}

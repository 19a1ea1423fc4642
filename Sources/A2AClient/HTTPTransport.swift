import A2A
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP plumbing under ``A2AClient``: one POST or GET, bounded waits, readable errors.
struct HTTPTransport: Sendable {
    let http: HTTPClient
    let configuration: A2AClientConfiguration
    /// The origin (`scheme://host:port`) of the agent's URL: the configured headers go to this
    /// origin only, never to a URL on another origin that the agent's card advertises.
    let headerOrigin: String?

    init(http: HTTPClient, configuration: A2AClientConfiguration, agentURL: String) {
        self.http = http
        self.configuration = configuration
        self.headerOrigin = HTTPOrigin(agentURL)?.serialized
    }

    /// The client a2a-pipe uses unless given one: the process-wide event loops, a connection
    /// pool large enough for many concurrent streams to one agent, and no automatic redirects
    /// (so headers such as `Authorization` never follow a redirect to another origin).
    static let sharedHTTPClient: HTTPClient = {
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 512
        // A refused connection is an answer: report it at once instead of retrying until the
        // connect timeout (the engine has its own retry policy).
        config.connectionPool.retryConnectionEstablishment = false
        config.timeout.connect = .seconds(10)
        // Drop an idle pooled connection before the agent does: uvicorn (a2a-sdk) closes idle
        // keep-alive connections after 5 s, and a request sent on a connection the server is
        // closing fails with "the connection closed before the reply ended" (seen in the
        // suite under load). 3 s leaves a margin below the common 5 s server defaults.
        config.connectionPool.idleTimeout = .seconds(3)
        config.decompression = .enabled(limit: .ratio(100))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
    }()

    func request(url: String, method: HTTPMethod, accept: String, versionHeader: String?, body: [UInt8]?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "a2a-pipe/0.1")
        if let versionHeader { request.headers.add(name: "A2A-Version", value: versionHeader) }
        if let headerOrigin, HTTPOrigin(url)?.serialized == headerOrigin {
            for (name, value) in configuration.headers { request.headers.replaceOrAdd(name: name, value: value) }
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    /// Sends a request and waits (bounded by the idle timeout) for the response head.
    func execute(_ request: HTTPClientRequest, operation: String) async throws -> HTTPClientResponse {
        do {
            return try await http.execute(request, deadline: .now() + .nanoseconds(Self.nanoseconds(configuration.idleTimeout)))
        } catch {
            throw mapError(error, url: request.url, operation: operation)
        }
    }

    /// Reads a whole (bounded) body, with the idle bound between chunks.
    func collect(_ response: HTTPClientResponse, url: String, operation: String) async throws -> ByteBuffer {
        var reader = BodyReader(response.body, idleTimeout: configuration.idleTimeout)
        var out = ByteBuffer()
        while let chunk = try await reader.next(url: url, operation: operation, transport: self) {
            guard out.readableBytes + chunk.readableBytes <= configuration.maxResponseBytes else {
                throw A2AClientError(url: url, method: operation, kind: .invalidResponse("the reply is larger than \(configuration.maxResponseBytes) bytes"))
            }
            var chunk = chunk
            out.writeBuffer(&chunk)
        }
        return out
    }

    func mapError(_ error: any Error, url: String, operation: String) -> any Error {
        if error is A2AClientError || error is CancellationError { return error }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout:
                return A2AClientError(url: url, method: operation, kind: .idleTimeout(configuration.idleTimeout))
            case .connectTimeout:
                return A2AClientError(url: url, method: operation, kind: .unreachable("connection timed out"))
            case .cancelled:
                return CancellationError()
            case .remoteConnectionClosed, .bodyLengthMismatch:
                return A2AClientError(url: url, method: operation, kind: .connectionLost("the agent closed the connection"))
            case .invalidURL, .emptyHost, .emptyScheme:
                return A2AClientError(url: url, method: operation, kind: .unreachable("invalid URL"))
            default:
                break
            }
        }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("connect(descriptor") {
            return A2AClientError(url: url, method: operation, kind: .unreachable("connection refused (is the agent running?)"))
        }
        if text.contains("NXDOMAIN") || text.contains("resolve") || text.contains("lookup") {
            return A2AClientError(url: url, method: operation, kind: .unreachable("host name could not be resolved"))
        }
        if text.contains("uncleanShutdown") || text.contains("ioOnClosedChannel") || text.contains("eof") || text.contains("ECONNRESET") || text.contains("Connection reset") {
            return A2AClientError(url: url, method: operation, kind: .connectionLost("the agent closed the connection"))
        }
        return A2AClientError(url: url, method: operation, kind: .connectionLost(text))
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}

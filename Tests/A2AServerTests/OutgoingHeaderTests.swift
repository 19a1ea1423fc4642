import A2A
import A2AClient
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// An agent's configured headers (a pipeline's `headers:`, `call --header`/`--token-env`) go
/// to that agent's origin only: never to another origin its card advertises, never to a
/// redirect target (redirects are not followed). Two loopback servers record what they get.
@Suite("Outgoing headers")
struct OutgoingHeaderTests {
    static let secret = "Bearer leak-check-\(UUID().uuidString)"

    static func card(interfaceURL: String) -> String {
        """
        {"name":"a","description":"a","version":"1","supportedInterfaces":[{"url":"\(interfaceURL)","protocolBinding":"JSONRPC","protocolVersion":"1.0"}],\
        "capabilities":{"streaming":false},"defaultInputModes":["text/plain"],"defaultOutputModes":["text/plain"],"skills":[]}
        """
    }

    static let headers: [(name: String, value: String)] = [("Authorization", secret), ("X-Api-Key", "key-\(secret)")]

    @Test("a card on origin A advertising an interface on origin B: B gets no configured header")
    func cardOnAnotherOrigin() async throws {
        try await withRecordingServer(respond: { _, _ in jsonResponse(#"{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"Task x not found"}}"#) }) { b, bURL in
            try await withRecordingServer(respond: { _, _ in jsonResponse(Self.card(interfaceURL: bURL + "/rpc")) }) { a, aURL in
                let client = A2AClient(url: aURL, configuration: A2AClientConfiguration(headers: Self.headers))
                await #expect(throws: A2AClientError.self) { _ = try await client.getTask(id: "x") }
                let toA = a.recorded
                #expect(!toA.isEmpty)
                #expect(toA.allSatisfy { $0.headers["authorization"] == Self.secret }, "the agent's own origin gets the headers")
                let toB = b.recorded
                #expect(toB.count >= 1, "the call went to the advertised interface")
                for request in toB {
                    #expect(request.headers["authorization"] == nil && request.headers["x-api-key"] == nil, "\(request.path) on origin B")
                }
            }
        }
    }

    @Test("a redirect to origin B is not followed, so B never sees the headers")
    func redirectIsNotFollowed() async throws {
        try await withRecordingServer(respond: { _, _ in jsonResponse("{}") }) { b, bURL in
            try await withRecordingServer(respond: { request, base in
                if request.method == .get { return jsonResponse(Self.card(interfaceURL: base + "/")) }
                var headers = HTTPFields()
                headers[.location] = bURL + "/"
                return Response(status: .temporaryRedirect, headers: headers)
            }) { a, aURL in
                let client = A2AClient(url: aURL, configuration: A2AClientConfiguration(dialect: .v1_0, headers: Self.headers))
                do {
                    _ = try await client.getTask(id: "x")
                    Issue.record("a redirect must not be answered as success")
                } catch let error as A2AClientError {
                    #expect("\(error)".contains("307"), "\(error)")
                    #expect(!"\(error)".contains(Self.secret))
                }
                #expect(a.recorded.contains { $0.method == "POST" && $0.headers["authorization"] == Self.secret })
                #expect(b.recorded.isEmpty, "nothing reached the redirect target")
            }
        }
    }

    @Test("origins compare scheme, host and port, with default ports")
    func origins() {
        #expect(HTTPOrigin("http://Example.com/x") == HTTPOrigin("http://example.com:80/y"))
        #expect(HTTPOrigin("https://a.test/") == HTTPOrigin("https://a.test:443"))
        #expect(HTTPOrigin("http://a.test:8080/") != HTTPOrigin("http://a.test:8081/"))
        #expect(HTTPOrigin("http://a.test/") != HTTPOrigin("https://a.test/"))
        #expect(HTTPOrigin("not a url") == nil)
    }
}

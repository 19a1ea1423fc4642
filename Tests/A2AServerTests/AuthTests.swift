import A2A
import A2AServer
import BuiltinAgents
import Foundation
import Hummingbird
import NIOHTTP1
import PeerSupport
import Testing

/// Bearer-token auth: every route but the public ones refuses a request without a valid
/// token; the card stays public and declares the scheme; the real a2a-sdk 1.3.0 client with
/// the token works.
@Suite("Auth")
struct AuthTests {
    static let token = "s3cr3t-token-\(UUID().uuidString)"
    static let other = "second-token-\(UUID().uuidString)"

    static var configuration: A2AServerConfiguration {
        var c = A2AServerConfiguration(host: "127.0.0.1", port: 0)
        c.authentication = BearerTokens([token, other])
        c.publicPaths = ["/page", "/assets/*"]
        return c
    }

    static func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer \(token)")] }

    @Test("every route but the card refuses a missing or wrong token with 401 and WWW-Authenticate; the right token passes")
    func everyRouteNeedsTheToken() async throws {
        try await withBuiltin("echo", configuration: Self.configuration) { server, url in
            let routes = server.makeRouter().routes
            #expect(routes.count >= 18, "the router lists its routes")
            var checked = 0
            for route in routes {
                let path = route.path.description
                let method: HTTPMethod = route.method == .get ? .GET : .POST
                let body = rpc("GetTask", ["id": "nope"])
                if PublicPaths.cardPaths.contains(path) {
                    let r = try await post(url + path, "", method: method)
                    #expect(r.status == 200, "\(route.method) \(path) is public")
                    continue
                }
                for (label, headers) in [("no token", [(String, String)]()), ("wrong token", Self.bearer("wrong-\(Self.token)")),
                                         ("wrong scheme", [("Authorization", "Basic \(Self.token)")])] {
                    let r = try await post(url + path, body, headers: headers + v1, method: method)
                    #expect(r.status == 401, "\(route.method) \(path) with \(label)")
                    let challenge = r.headers.first(name: "WWW-Authenticate") ?? ""
                    #expect(challenge.hasPrefix("Bearer realm=\"a2a-pipe\""), "\(path): \(challenge)")
                    #expect(r.json["error"]?["code"] == -32600)
                    #expect(r.json["id"] == .null)
                    #expect(!r.body.contains(Self.token), "the token is never echoed")
                }
                let ok = try await post(url + path, body, headers: Self.bearer(Self.token) + v1, method: method)
                #expect(ok.status != 401, "\(route.method) \(path) with the token")
                let second = try await post(url + path, body, headers: [("authorization", "bearer   \(Self.other)")] + v1, method: method)
                #expect(second.status != 401, "\(path): the second token, scheme and header name case-insensitive")
                checked += 1
            }
            #expect(checked == routes.count - PublicPaths.cardPaths.count)
        }
    }

    @Test("401 bodies: JSON-RPC error, 1.0 ErrorInfo UNAUTHENTICATED, invalid_token only when a token was sent")
    func unauthorizedShape() async throws {
        try await withBuiltin("echo", configuration: Self.configuration) { _, url in
            let none = try await post(url + "/", rpc("SendMessage", ["message": message10("hi")]), headers: v1)
            #expect(none.status == 401)
            #expect(none.headers.first(name: "WWW-Authenticate") == "Bearer realm=\"a2a-pipe\"")
            #expect(none.contentType == "application/json")
            #expect(none.json["jsonrpc"] == "2.0")
            #expect(none.json["error"]?["data"]?[0]?["reason"] == "UNAUTHENTICATED")
            #expect(none.json["error"]?["message"]?.stringValue?.contains("Authorization: Bearer") == true)
            let wrong = try await post(url + "/", rpc("message/send", ["message": message03("hi")]), headers: Self.bearer("nope"))
            #expect(wrong.status == 401)
            #expect(wrong.headers.first(name: "WWW-Authenticate") == "Bearer realm=\"a2a-pipe\", error=\"invalid_token\"")
            #expect(wrong.json["error"]?["data"] == nil, "0.3 errors carry no data")
            #expect(!wrong.body.contains("nope"))
            // Unknown paths need the token too (no probing for routes), and public paths are GET-only.
            #expect(try await post(url + "/no/such/route", "", method: .GET).status == 401)
            #expect(try await post(url + "/no/such/route", "", headers: Self.bearer(Self.token), method: .GET).status == 404)
            #expect(try await post(url + "/page", "", method: .GET).status == 404, "public: no 401 (no page here)")
            #expect(try await post(url + "/assets/app.js", "", method: .GET).status == 404)
            #expect(try await post(url + "/assets/../a2a/health", "", method: .GET).status == 401)
            #expect(try await post(url + "/page", "{}").status == 401, "POST to a public path needs the token")
        }
    }

    @Test("static documents (the web page) are public like the card; POST to the same path is not")
    func staticResourcesArePublic() async throws {
        var configuration = Self.configuration
        configuration.staticResources = [
            StaticResource(path: "/", contentType: "text/html; charset=utf-8", body: Array("<p>page</p>".utf8)),
            StaticResource(path: "/web/app.js", contentType: "text/javascript", body: Array("1".utf8)),
        ]
        try await withBuiltin("echo", configuration: configuration) { _, url in
            let page = try await post(url + "/", "", method: .GET)
            #expect(page.status == 200)
            #expect(page.body == "<p>page</p>")
            #expect(try await post(url + "/web/app.js", "", method: .GET).status == 200)
            #expect(try await post(url + "/", rpc("GetTask", ["id": "x"]), headers: v1).status == 401)
            #expect(try await post(url + "/web/other.js", "", method: .GET).status == 401)
        }
    }

    @Test("the card is public and declares the bearer scheme in the 1.0 and the 0.3 shapes")
    func cardDeclaresTheScheme() async throws {
        try await withBuiltin("echo", configuration: Self.configuration) { _, url in
            let r = try await post(url + "/.well-known/agent-card.json", "", method: .GET)
            #expect(r.status == 200)
            let bearer = r.json["securitySchemes"]?["bearer"]
            #expect(bearer?["httpAuthSecurityScheme"]?["scheme"] == "Bearer")
            #expect(bearer?["type"] == "http")
            #expect(bearer?["scheme"] == "Bearer")
            #expect(r.json["securityRequirements"] == [["schemes": ["bearer": .object(JSONObject())]]])
            #expect(r.json["security"] == [["bearer": []]])
            let card = try WireDecoder.agentCard(r.json)
            #expect(card.securitySchemes?["bearer"] != nil)
            #expect(card.securityRequirements.count == 1)
        }
        try await withBuiltin("echo") { _, url in
            let r = try await post(url + "/.well-known/agent-card.json", "", method: .GET)
            #expect(r.json["securitySchemes"] == nil && r.json["security"] == nil && r.json["securityRequirements"] == nil)
            #expect(try await post(url + "/", rpc("GetTask", ["id": "x"]), headers: v1).status == 200, "no auth configured: open")
        }
    }

    @Test("the a2a-sdk 1.3.0 client with its AuthInterceptor and the token streams; without it, it is refused")
    func sdk13WithToken() async throws {
        try await withBuiltin("echo", configuration: Self.configuration) { _, url in
            let python = try await PythonEnvironment.shared.python(for: .sdk13)
            let script = InteropTests.clientsDirectory().appendingPathComponent("sdk13_auth.py").path
            let r = try await runProgram(
                python, arguments: ["-u", script, url, "hello secure world"], timeout: .seconds(120),
                environment: ["A2A_TOKEN": Self.token, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"])
            #expect(r.exitCode == 0, "\(r.stdout)\n\(r.stderr)")
            let lines = InteropTests.lines(r.stdout)
            let card = lines.first?["card"]
            #expect(card?["securitySchemes"]?["bearer"]?["httpAuthSecurityScheme"]?["scheme"] == "Bearer")
            let events = lines.compactMap { $0["event"] }
            #expect(artifactText(events) == "hello secure world")
            #expect(events.last?["statusUpdate"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
            let refused = lines.last?["refused"]?.stringValue ?? ""
            #expect(refused.contains("401"), "\(refused)")
        }
    }

    @Test("BearerTokens: constant-time match of whole tokens only; environment parsing; never printed")
    func bearerTokens() throws {
        let tokens = try BearerTokens(environmentVariables: ["A", "B"], environment: ["A": " one , two ,", "B": "three"])
        #expect(tokens.count == 3)
        for good in ["one", "two", "three"] { #expect(tokens.accepts(Array(good.utf8))) }
        for bad in ["", "on", "onex", "one ", "ONE", "twothree", "thre"] { #expect(!tokens.accepts(Array(bad.utf8)), "\(bad)") }
        #expect(!"\(tokens)".contains("one") && !String(reflecting: tokens).contains("three"))
        var configuration = A2AServerConfiguration()
        configuration.authentication = tokens
        #expect(!"\(configuration)".contains("two"), "a logged configuration shows no token")
        #expect(throws: BearerTokens.MissingVariable.self) { try BearerTokens(environmentVariables: ["A", "C"], environment: ["A": "x"]) }
        #expect(throws: BearerTokens.MissingVariable.self) { try BearerTokens(environmentVariables: ["A"], environment: ["A": " , "]) }
        do {
            _ = try BearerTokens(environmentVariables: ["MY_TOKEN"], environment: [:])
        } catch {
            #expect(error.description.contains("MY_TOKEN") && error.description.contains("not set"))
        }
        let paths = PublicPaths(["/", "/static/*"])
        #expect(paths.contains("/") && paths.contains("/static/a.css") && paths.contains("/.well-known/agent-card.json"))
        #expect(!paths.contains("/a2a") && !paths.contains("/static/../a2a") && !paths.contains("/staticx"))
    }
}

import A2A
import AsyncHTTPClient
import Foundation
import NIOCore

/// Where a card was found and how long it may be kept.
struct DiscoveredCard: Sendable {
    var card: AgentCard
    var cardURL: String
    var etag: String?
    var expires: ContinuousClock.Instant?
}

/// Finds an agent's card (a2a-wire.md §1.2).
///
/// Tries `/.well-known/agent-card.json`, then `/.well-known/agent.json`; a URL with a path
/// retries both at the origin; a URL ending in `.json` is the card itself. python-a2a serves
/// its card at `/agent.json` too, tried last.
enum CardDiscovery {
    static func candidates(for baseURL: String) -> [String] {
        if baseURL.lowercased().hasSuffix(".json") { return [baseURL] }
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        var out = [trimmed + "/.well-known/agent-card.json", trimmed + "/.well-known/agent.json"]
        if let origin = origin(of: trimmed), origin != trimmed {
            out += [origin + "/.well-known/agent-card.json", origin + "/.well-known/agent.json"]
        }
        out.append(trimmed + "/agent.json")
        return out
    }

    /// `scheme://host:port` of a URL.
    static func origin(of url: String) -> String? {
        guard let c = URLComponents(string: url), let scheme = c.scheme, let host = c.host else { return nil }
        return "\(scheme)://\(host)" + (c.port.map { ":\($0)" } ?? "")
    }

    static func fetch(baseURL: String, transport: HTTPTransport, previous: DiscoveredCard?) async throws -> DiscoveredCard {
        let operation = "GET agent card"
        var tried: [String] = []
        var lastProblem = ""
        let urls = previous.map { [$0.cardURL] } ?? candidates(for: baseURL)
        for url in urls {
            var request = transport.request(url: url, method: .GET, accept: "application/json", versionHeader: nil, body: nil)
            if let etag = previous?.etag { request.headers.add(name: "If-None-Match", value: etag) }
            let response = try await transport.execute(request, operation: operation)
            let body = try await transport.collect(response, url: url, operation: operation)
            tried.append(url)
            if response.status.code == 304, var previous {
                previous.expires = expiry(response.headers.first(name: "Cache-Control"))
                return previous
            }
            guard response.status.code == 200 else {
                lastProblem = "HTTP \(response.status.code)"
                continue
            }
            let json: JSONValue
            do {
                json = try JSONParser().parse(body.readableBytesView)
            } catch {
                lastProblem = "the reply at \(url) is not JSON (\(response.headers.first(name: "Content-Type") ?? "no content type"))"
                continue
            }
            do {
                let card = try WireDecoder.agentCard(json)
                guard !card.name.isEmpty || !card.supportedInterfaces.isEmpty else {
                    lastProblem = "the JSON at \(url) is not an agent card"
                    continue
                }
                return DiscoveredCard(
                    card: card,
                    cardURL: url,
                    etag: response.headers.first(name: "ETag"),
                    expires: expiry(response.headers.first(name: "Cache-Control"))
                )
            } catch {
                throw A2AClientError(url: url, method: operation, kind: .invalidResponse("the agent card is malformed \(error)"))
            }
        }
        throw A2AClientError(
            url: baseURL, method: operation,
            kind: .noAgentCard("no A2A agent card found (tried \(tried.map { URLComponents(string: $0)?.path ?? $0 }.joined(separator: ", ")); last: \(lastProblem)). Is this an A2A agent?")
        )
    }

    static func expiry(_ cacheControl: String?) -> ContinuousClock.Instant? {
        guard let cacheControl else { return nil }
        for directive in cacheControl.split(separator: ",") {
            let d = directive.trimmingCharacters(in: .whitespaces)
            if d.hasPrefix("max-age="), let seconds = Int(d.dropFirst("max-age=".count)) {
                return .now + .seconds(seconds)
            }
            if d == "no-store" || d == "no-cache" { return .now }
        }
        return nil
    }
}

/// The URL, dialect and tenant chosen for an agent.
public struct A2AEndpoint: Sendable, Equatable {
    /// Where JSON-RPC requests go (python-a2a: the base of its routes).
    public var url: String
    /// The dialect spoken there.
    public var dialect: ProtocolDialect
    /// A tenant to send on 1.0 calls.
    public var tenant: String?

    public init(url: String, dialect: ProtocolDialect, tenant: String? = nil) {
        self.url = url
        self.dialect = dialect
        self.tenant = tenant
    }

    /// Chooses from a card (a2a-wire.md §1.2): python-a2a when its flags are present, else the
    /// first JSON-RPC interface whose version is 1.x or 0.3; `forced` pins the dialect.
    public static func choose(from card: AgentCard, forced: ProtocolDialect?, fallbackURL: String) -> A2AEndpoint? {
        let jsonrpc = card.supportedInterfaces.filter { $0.protocolBinding.uppercased() == "JSONRPC" }
        if let forced {
            switch forced {
            case .pythonA2A:
                return A2AEndpoint(url: card.supportedInterfaces.first?.url ?? fallbackURL, dialect: .pythonA2A)
            case .v1_0, .v0_3:
                let match = jsonrpc.first { $0.generation == forced } ?? jsonrpc.first
                return A2AEndpoint(url: match?.url ?? fallbackURL, dialect: forced, tenant: forced == .v1_0 ? match?.tenant : nil)
            }
        }
        if card.isPythonA2A {
            return A2AEndpoint(url: card.supportedInterfaces.first?.url ?? fallbackURL, dialect: .pythonA2A)
        }
        for interface in jsonrpc {
            if let generation = interface.generation {
                return A2AEndpoint(url: interface.url, dialect: generation, tenant: generation == .v1_0 ? interface.tenant : nil)
            }
        }
        return nil
    }
}

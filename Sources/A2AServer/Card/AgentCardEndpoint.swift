import A2A
import Hummingbird
import Synchronization

/// Serves the agent card: one hybrid card for both generations of clients (a2a-wire.md §1.5).
///
/// The card lists the A2A 1.0 JSON-RPC interface first and the 0.3 interface second, on the
/// same URL (dispatch is by method name), and also carries the 0.3 top-level fields (`url`,
/// `preferredTransport`, `protocolVersion: "0.3"`), so 1.0 clients take the first interface,
/// 0.3 clients read the legacy fields, and python-a2a clients read `capabilities.streaming`.
/// It is served with a weak `ETag` over its bytes and `Cache-Control`, and answers a matching
/// `If-None-Match` with 304.
final class AgentCardEndpoint: Sendable {
    private struct Rendered {
        var bytes: ByteBuffer
        var etag: String
    }

    private let template: AgentCard
    private let cacheControl: String
    private let requiresBearerToken: Bool
    private let rendered = Mutex<Rendered?>(nil)
    private let url = Mutex<String?>(nil)

    init(template: AgentCard, cacheControl: String, requiresBearerToken: Bool = false) {
        self.template = template
        self.cacheControl = cacheControl
        self.requiresBearerToken = requiresBearerToken
    }

    /// The name of the bearer scheme in the card's `securitySchemes`.
    static let bearerSchemeName = "bearer"

    /// The bearer scheme in both generations' shapes in one object, as a2a-sdk 1.3's hybrid card
    /// writes it: the 1.0 oneof wrapper `httpAuthSecurityScheme` beside the 0.3 OpenAPI fields
    /// `type`/`scheme` (each generation's parser ignores the other's keys).
    static var bearerScheme: JSONValue {
        let description = "A bearer token: send 'Authorization: Bearer <token>' on every request but the card's."
        return [
            "httpAuthSecurityScheme": ["scheme": "Bearer", "description": .string(description)],
            "type": "http",
            "scheme": "Bearer",
            "description": .string(description),
        ]
    }

    /// Sets the URL the card advertises (known once the server is bound).
    func setURL(_ url: String) {
        self.url.withLock { $0 = url }
        rendered.withLock { $0 = nil }
    }

    /// The card as served.
    var card: AgentCard {
        var card = template
        let url = self.url.withLock { $0 } ?? "http://127.0.0.1/"
        card.supportedInterfaces = [
            AgentInterface(url: url, protocolBinding: "JSONRPC", protocolVersion: "1.0"),
            AgentInterface(url: url, protocolBinding: "JSONRPC", protocolVersion: "0.3"),
        ]
        card.capabilities.streaming = true
        card.capabilities.pushNotifications = false
        card.capabilities.extendedAgentCard = nil
        if !card.capabilities.extensions.contains(where: { $0.uri == ProgressMetadata.extensionURI }) {
            card.capabilities.extensions.append(ProgressMetadata.cardExtension)
        }
        if card.defaultInputModes.isEmpty { card.defaultInputModes = ["text/plain"] }
        if card.defaultOutputModes.isEmpty { card.defaultOutputModes = ["text/plain"] }
        if requiresBearerToken {
            var schemes = card.securitySchemes ?? JSONObject()
            schemes[Self.bearerSchemeName] = Self.bearerScheme
            card.securitySchemes = schemes
            // 1.0 shape; the hybrid encoder also writes the 0.3 `security` list from it.
            card.securityRequirements = [["schemes": [Self.bearerSchemeName: .object(JSONObject())]]]
        }
        if card.skills.isEmpty {
            card.skills = [AgentSkill(id: "default", name: card.name, description: card.description, tags: ["a2a-pipe"])]
        }
        return card
    }

    private func render() -> Rendered {
        if let r = rendered.withLock({ $0 }) { return r }
        let bytes = JSONWriter.bytes(WireEncoder(.v1_0).agentCard(card, hybrid: true))
        let r = Rendered(bytes: ByteBuffer(bytes: bytes), etag: "W/\"\(Self.digest(bytes))\"")
        rendered.withLock { $0 = r }
        return r
    }

    func respond(_ request: Request) -> Response {
        let r = render()
        var headers = HTTPFields()
        headers[.eTag] = r.etag
        headers[.cacheControl] = cacheControl
        if let inm = request.headers[.ifNoneMatch], Self.matches(inm, etag: r.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: r.bytes))
    }

    /// `If-None-Match` matching with weak comparison (`*`, lists, `W/` ignored).
    static func matches(_ header: String, etag: String) -> Bool {
        func strip(_ s: Substring) -> Substring {
            var t = s.drop { $0 == " " }
            while t.last == " " { t = t.dropLast() }
            if t.hasPrefix("W/") { t = t.dropFirst(2) }
            return t
        }
        let mine = strip(Substring(etag))
        return header.split(separator: ",").contains { candidate in
            let c = strip(candidate)
            return c == "*" || c == mine
        }
    }

    /// A 128-bit FNV-1a digest of the bytes, as hex (an ETag, not a security hash).
    static func digest(_ bytes: [UInt8]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(byte ^ 0x5A)) &* 0x0000_0100_0000_01B3
        }
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex(a) + hex(b)
    }
}

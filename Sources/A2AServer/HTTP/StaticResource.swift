import HTTPTypes
import Hummingbird

/// A fixed document the server answers `GET path` with, beside the A2A routes: e.g. the web
/// page `a2a-pipe serve` shows at `/` (docs/web.md). `POST /` stays the JSON-RPC endpoint.
///
/// The body is built once, when the resource is made; it is served as is on every request.
public struct StaticResource: Sendable {
    /// The path, starting with `/` (e.g. `/` or `/web/app.js`).
    public var path: String
    /// The `Content-Type` header, e.g. `text/html; charset=utf-8`.
    public var contentType: String
    /// The body.
    public var body: [UInt8]
    /// More headers to send (e.g. `Content-Security-Policy`, `Cache-Control`).
    public var headers: [String: String]

    /// Creates a resource.
    public init(path: String, contentType: String, body: [UInt8], headers: [String: String] = [:]) {
        self.path = path
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// The HTTP answer.
    func response() -> Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

import A2A
import HTTPTypes
import Hummingbird

/// Refuses every request without a valid bearer token, except `GET`/`HEAD` of the public
/// paths (the agent card's paths and ``A2AServerConfiguration/publicPaths``).
///
/// A refused request gets HTTP 401 with `WWW-Authenticate: Bearer realm="a2a-pipe"` (plus
/// `error="invalid_token"` when a token was sent but is not accepted, RFC 6750 §3) and a
/// JSON-RPC error body (`id: null`, code -32600, in the 1.0 shape with an `ErrorInfo`
/// `UNAUTHENTICATED` when the request asks for A2A 1.x). The body is not read. The token is
/// never echoed, logged or put in an error.
struct AuthenticationMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    let tokens: BearerTokens
    let publicPaths: PublicPaths

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .get || request.method == .head, publicPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        let presented = Self.bearerToken(request.headers[values: .authorization])
        if let presented, tokens.accepts(presented.utf8) {
            return try await next(request, context)
        }
        return Self.unauthorized(request, tokenSent: presented != nil)
    }

    /// The token of the first `Authorization: Bearer …` header (scheme case-insensitive).
    static func bearerToken(_ values: [String]) -> Substring? {
        for value in values {
            let trimmed = value.drop { $0 == " " }
            guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { continue }
            var token = trimmed.dropFirst(7).drop { $0 == " " }
            while token.last == " " { token = token.dropLast() }
            if !token.isEmpty { return token }
        }
        return nil
    }

    static func unauthorized(_ request: Request, tokenSent: Bool) -> Response {
        let version = JSONRPCHandler.requestedVersion(request)
        let message = tokenSent
            ? "Unauthorized: the bearer token is not valid for this agent"
            : "Unauthorized: this agent needs a bearer token (send 'Authorization: Bearer <token>')"
        var error = JSONRPCError(code: JSONRPCError.invalidRequestCode, message: message)
        if A2AMethod.isVersion1(version) {
            error.data = [[
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "UNAUTHENTICATED",
                "domain": "a2a-protocol.org",
                "metadata": .object(JSONObject()),
            ]]
        }
        var response = HTTPResponses.json(JSONRPCResponse(id: .null, error: error).json(), status: .unauthorized)
        response.headers[.wwwAuthenticate] = tokenSent
            ? "Bearer realm=\"a2a-pipe\", error=\"invalid_token\""
            : "Bearer realm=\"a2a-pipe\""
        return response
    }
}

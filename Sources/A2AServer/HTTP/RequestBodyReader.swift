import Hummingbird

/// Reads a request body up to a limit, refusing a larger one before it is read whole: a
/// `Content-Length` above the limit is refused at once, and a body without one is counted
/// while it is collected.
enum RequestBodyReader {
    /// The body was larger than the limit.
    struct TooLarge: Error {
        var limit: Int
    }

    static func read(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let text = request.headers[.contentLength], let length = Int(text), length > limit {
            throw TooLarge(limit: limit)
        }
        var collected = ByteBuffer()
        for try await chunk in request.body {
            guard collected.readableBytes + chunk.readableBytes <= limit else { throw TooLarge(limit: limit) }
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        return collected
    }
}

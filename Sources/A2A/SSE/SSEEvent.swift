/// One Server-Sent Event.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field; `message` when absent.
    public var type: String
    /// The `data:` lines, joined with `\n`.
    public var data: String
    /// The `id:` field, if any.
    public var id: String?
    /// The `retry:` field in milliseconds, if any.
    public var retry: Int?

    public init(type: String = "message", data: String, id: String? = nil, retry: Int? = nil) {
        self.type = type
        self.data = data
        self.id = id
        self.retry = retry
    }
}

import A2A
import NIOCore

/// Turns a task's events into the bytes of one kind of SSE stream.
protocol EventFramer: Sendable {
    /// Bytes before the first event.
    mutating func start(into buffer: inout ByteBuffer)
    /// One event.
    mutating func write(_ event: StreamResponse, into buffer: inout ByteBuffer)
    /// After each batch of events (coalescing framers write here).
    mutating func endOfBatch(into buffer: inout ByteBuffer)
    /// After the last event.
    mutating func finish(_ end: Subscription.End, into buffer: inout ByteBuffer)
}

extension EventFramer {
    mutating func start(into buffer: inout ByteBuffer) {}
    mutating func endOfBatch(into buffer: inout ByteBuffer) {}
    mutating func finish(_ end: Subscription.End, into buffer: inout ByteBuffer) {}
}

/// A2A JSON-RPC streams: each event is `data: {"jsonrpc":"2.0","id":…,"result":…}` in the
/// request's generation, one line, LF line ends. 0.3 events carry `kind`, explicit booleans
/// and `final:true` on the last status event.
struct JSONRPCEventFramer: EventFramer {
    private let encoder: WireEncoder
    private let prefix: [UInt8]
    private var scratch: [UInt8] = []

    init(dialect: ProtocolDialect, id: JSONValue?) {
        encoder = WireEncoder(dialect)
        var p = Array("data: {\"jsonrpc\":\"2.0\",\"id\":".utf8)
        JSONWriter.write(id ?? .null, into: &p)
        p.append(contentsOf: ",\"result\":".utf8)
        prefix = p
        scratch.reserveCapacity(512)
    }

    mutating func write(_ event: StreamResponse, into buffer: inout ByteBuffer) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: prefix)
        JSONWriter.write(encoder.streamResponse(event), into: &scratch)
        scratch.append(contentsOf: "}\n\n".utf8)
        buffer.writeBytes(scratch)
    }
}

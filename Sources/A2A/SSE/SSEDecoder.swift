import NIOCore

/// An incremental Server-Sent Events parser (the W3C EventSource stream format).
///
/// Feed it bytes as they arrive with ``push(_:)``, in chunks split anywhere (even inside a
/// CRLF pair or a multi-byte character), and pull complete events with ``next()``. Lines end
/// at CRLF, LF or CR; lines starting with `:` are comments; `data:` lines accumulate and are
/// joined with `\n`; a blank line dispatches the event when it has data. An unfinished event at
/// EOF is dropped, as the spec says. Hand-written because no listed package parses SSE on Linux
/// (mattt/EventSource does not build there).
public struct SSEDecoder: Sendable {
    /// The largest event (or line) accepted, in bytes; beyond it ``next()`` throws.
    public let maxEventSize: Int

    private var buffer = ByteBuffer()
    private var skipLeadingLF = false
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: String?
    private var lastEventId: String?
    private var retry: Int?
    private var atStart = true
    /// Comments seen so far (keep-alives). Callers may watch it to know the peer is alive.
    public private(set) var commentCount = 0

    /// Creates a decoder.
    public init(maxEventSize: Int = 16 * 1024 * 1024) {
        self.maxEventSize = maxEventSize
    }

    /// Adds bytes that arrived.
    public mutating func push(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    /// Adds bytes that arrived.
    public mutating func push(_ bytes: some Sequence<UInt8>) {
        buffer.writeBytes(bytes)
    }

    /// The next complete event, or `nil` when more bytes are needed.
    /// - Throws: ``SSEDecodingError/eventTooLarge(limit:)`` when an event or line exceeds the limit.
    public mutating func next() throws(SSEDecodingError) -> SSEEvent? {
        while true {
            guard let line = try nextLine() else {
                compact()
                return nil
            }
            if let event = process(line) {
                return event
            }
        }
    }

    /// Ends the stream: an unfinished event is dropped, and the decoder is reset.
    public mutating func finish() {
        buffer.clear()
        resetEvent()
        skipLeadingLF = false
    }

    private mutating func resetEvent() {
        data.removeAll(keepingCapacity: true)
        hasData = false
        eventType = nil
        retry = nil
    }

    /// Returns the next complete line's byte range within `buffer` (without its terminator) and
    /// advances past it.
    private mutating func nextLine() throws(SSEDecodingError) -> ByteBuffer? {
        if skipLeadingLF {
            guard buffer.readableBytes > 0 else { return nil }
            if buffer.readableBytesView.first == UInt8(ascii: "\n") {
                buffer.moveReaderIndex(forwardBy: 1)
            }
            skipLeadingLF = false
        }
        if atStart {
            // Strip one UTF-8 byte order mark at the very start of the stream.
            guard buffer.readableBytes >= 3 || !isPrefixOfBOM() else { return nil }
            if buffer.readableBytesView.starts(with: [0xEF, 0xBB, 0xBF]) {
                buffer.moveReaderIndex(forwardBy: 3)
            }
            atStart = false
        }
        let view = buffer.readableBytesView
        guard let end = view.firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else {
            if data.count + view.count > maxEventSize { throw .eventTooLarge(limit: maxEventSize) }
            return nil
        }
        let length = end - view.startIndex
        let line = buffer.readSlice(length: length)!
        let terminator = buffer.readInteger(as: UInt8.self)!
        if terminator == UInt8(ascii: "\r") {
            if let following = buffer.readableBytesView.first {
                if following == UInt8(ascii: "\n") { buffer.moveReaderIndex(forwardBy: 1) }
            } else {
                skipLeadingLF = true  // the LF of a CRLF may arrive in the next chunk
            }
        }
        if data.count + length > maxEventSize { throw .eventTooLarge(limit: maxEventSize) }
        return line
    }

    private func isPrefixOfBOM() -> Bool {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        return zip(buffer.readableBytesView, bom).allSatisfy { $0 == $1 }
    }

    private mutating func compact() {
        if buffer.readerIndex > 4096, buffer.readerIndex > buffer.readableBytes {
            buffer.discardReadBytes()
        }
    }

    /// Applies one line; returns an event when the line dispatches one.
    private mutating func process(_ line: ByteBuffer) -> SSEEvent? {
        let view = line.readableBytesView
        if view.isEmpty {
            defer { resetEvent() }
            guard hasData else { return nil }
            let event = SSEEvent(
                type: eventType.flatMap { $0.isEmpty ? nil : $0 } ?? "message",
                data: String(decoding: data, as: UTF8.self),
                id: lastEventId,
                retry: retry
            )
            return event
        }
        if view.first == UInt8(ascii: ":") {
            commentCount &+= 1
            return nil
        }
        let colon = view.firstIndex(of: UInt8(ascii: ":"))
        let nameEnd = colon ?? view.endIndex
        var valueStart = colon.map { $0 + 1 } ?? view.endIndex
        if valueStart < view.endIndex, view[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let name = view[view.startIndex..<nameEnd]
        let value = view[valueStart..<view.endIndex]
        if name.elementsEqual("data".utf8) {
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        } else if name.elementsEqual("event".utf8) {
            eventType = String(decoding: value, as: UTF8.self)
        } else if name.elementsEqual("id".utf8) {
            if !value.contains(0) { lastEventId = String(decoding: value, as: UTF8.self) }
        } else if name.elementsEqual("retry".utf8) {
            if !value.isEmpty, value.allSatisfy({ $0 >= 48 && $0 <= 57 }), let r = Int(String(decoding: value, as: UTF8.self)) {
                retry = r
            }
        }
        return nil
    }
}

/// Input the SSE decoder refuses.
public enum SSEDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An event or a single line grew beyond the limit without ending.
    case eventTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .eventTooLarge(let limit): "a server-sent event is larger than \(limit) bytes"
        }
    }
}

import NIOCore

/// The events of a byte stream that carries Server-Sent Events.
///
/// Pulls byte chunks from its base only when the consumer asks for the next event, so a slow
/// consumer slows the producer (backpressure) and memory holds at most one partial event.
public struct SSEEventSequence<Base: AsyncSequence>: AsyncSequence where Base.Element == ByteBuffer {
    public typealias Element = SSEEvent

    let base: Base
    let maxEventSize: Int

    public init(_ base: Base, maxEventSize: Int = 16 * 1024 * 1024) {
        self.base = base
        self.maxEventSize = maxEventSize
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var decoder: SSEDecoder
        var finished = false

        public mutating func next() async throws -> SSEEvent? {
            while !finished {
                if let event = try decoder.next() { return event }
                guard let chunk = try await base.next() else {
                    decoder.finish()
                    finished = true
                    return nil
                }
                decoder.push(chunk)
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), decoder: SSEDecoder(maxEventSize: maxEventSize))
    }
}

extension SSEEventSequence: Sendable where Base: Sendable {}

extension AsyncSequence where Element == ByteBuffer {
    /// The Server-Sent Events carried by this byte stream.
    public func sseEvents(maxEventSize: Int = 16 * 1024 * 1024) -> SSEEventSequence<Self> {
        SSEEventSequence(self, maxEventSize: maxEventSize)
    }
}

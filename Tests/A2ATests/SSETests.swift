import Foundation
import NIOCore
import Testing

@testable import A2A

/// SSEDecoder, SSEEncoder and SSEEventSequence.
@Suite("Server-sent events")
struct SSETests {
    /// Synthetic streams and the events each must give, however it is split.
    static let synthetic: [(name: String, bytes: [UInt8], events: [SSEEvent])] = [
        ("LF", Array("data: a\ndata: b\n\ndata: c\n\n".utf8), [SSEEvent(data: "a\nb"), SSEEvent(data: "c")]),
        ("CRLF", Array("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n".utf8), [SSEEvent(data: "a\nb"), SSEEvent(data: "c")]),
        ("CR", Array("data: a\rdata: b\r\rdata: c\r\r".utf8), [SSEEvent(data: "a\nb"), SSEEvent(data: "c")]),
        ("mixed", Array("data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r\n\n".utf8), [SSEEvent(data: "a\nb\nc"), SSEEvent(data: "d")]),
        ("comments", Array(": ping - 2026-11-24 23:29:39.874914+00:00\r\n\r\n:\n: x\ndata: a\n: inside\ndata: b\n\n".utf8), [SSEEvent(data: "a\nb")]),
        ("multi-line JSON", Array("data: {\"a\":\ndata: 1}\n\n".utf8), [SSEEvent(data: "{\"a\":\n1}")]),
        (
            "fields", Array("event: update\nid: 7\nretry: 1500\ndata: x\n\nevent: error\ndata: y\n\nretry: soon\ndata: z\n\n".utf8),
            [SSEEvent(type: "update", data: "x", id: "7", retry: 1500), SSEEvent(type: "error", data: "y", id: "7"), SSEEvent(data: "z", id: "7")]
        ),
        ("BOM", [0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8), [SSEEvent(data: "x")]),
        ("BOM only at the start", [0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("data: y\n\n".utf8), [SSEEvent(data: "x")]),
        ("unfinished event at EOF", Array("data: a\n\ndata: b\n".utf8), [SSEEvent(data: "a")]),
        ("unfinished line at EOF", Array("data: a\n\ndata: b".utf8), [SSEEvent(data: "a")]),
        ("empty data lines", Array("data\n\ndata:\n\ndata:\ndata:\n\n".utf8), [SSEEvent(data: ""), SSEEvent(data: ""), SSEEvent(data: "\n")]),
        ("no data, no event", Array("event: x\n\nid: 1\n\n\n\n\r\n".utf8), []),
        ("fields without a colon", Array("data\nfoo\nretry\nid\ndata: x\n\n".utf8), [SSEEvent(data: "\nx", id: "")]),
        ("space-less", Array("data:x\nevent:e\n\ndata:  two spaces\n\n".utf8), [SSEEvent(type: "e", data: "x"), SSEEvent(data: " two spaces")]),
        ("unknown fields", Array("foo: bar\nDATA: no\nData: no\ndata : no\ndata: yes\n\n".utf8), [SSEEvent(data: "yes")]),
        ("colons in the value", Array("data: a: b:c\n\n".utf8), [SSEEvent(data: "a: b:c")]),
        ("multi-byte UTF-8", Array("data: é😀€ — ☃\n\nevent: ü\ndata: 日本\n\n".utf8), [SSEEvent(data: "é😀€ — ☃"), SSEEvent(type: "ü", data: "日本")]),
        ("id with NUL is ignored", Array("id: 1\ndata: a\n\nid: 2\u{0}\ndata: b\n\n".utf8), [SSEEvent(data: "a", id: "1"), SSEEvent(data: "b", id: "1")]),
        ("CRLF split point", Array("data: a\r\n\r\ndata: b\r\r\n\n".utf8), [SSEEvent(data: "a"), SSEEvent(data: "b")]),
    ]

    static var syntheticNames: [String] { synthetic.map(\.name) }

    @Test(arguments: SSETests.syntheticNames)
    func syntheticStreams(_ name: String) throws {
        let stream = try #require(Self.synthetic.first { $0.name == name })
        #expect(try decodeSSE(stream.bytes) == stream.events)
        try Self.expectSplitInvariance(stream.bytes, expected: stream.events)
    }

    /// Feeds `bytes` split at every position into two pieces, and one byte at a time.
    static func expectSplitInvariance(_ bytes: [UInt8], expected: [SSEEvent], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for cut in 0...bytes.count {
            let events = try decodeSSE(chunks: [bytes[0..<cut], bytes[cut...]])
            if events != expected {
                Issue.record("split at \(cut) gave \(events)", sourceLocation: sourceLocation)
                return
            }
        }
        let single = try decodeSSE(chunks: bytes.indices.map { bytes[$0...$0] })
        #expect(single == expected, "one byte at a time", sourceLocation: sourceLocation)
        // Three pieces at a few points, with empty chunks between.
        let a = bytes.count / 3, b = 2 * bytes.count / 3
        #expect(try decodeSSE(chunks: [[], bytes[0..<a], [], bytes[a..<b], bytes[b...], []]) == expected, sourceLocation: sourceLocation)
    }

    @Test func everySampleStreamSplitAnywhere() throws {
        let names = try Samples.names(withExtension: "sse")
        #expect(names.count == 8)
        for name in names {
            let bytes = try Samples.bytes(name)
            let whole = try decodeSSE(bytes)
            #expect(!whole.isEmpty, "\(name)")
            try Self.expectSplitInvariance(bytes, expected: whole)
            // The same stream with other line ends gives the same events.
            let lf = Self.withLineEnds(bytes, "\n")
            #expect(try decodeSSE(lf) == whole, "\(name) as LF")
            #expect(try decodeSSE(Self.withLineEnds(bytes, "\r")) == whole, "\(name) as CR")
            #expect(try decodeSSE(Self.withLineEnds(bytes, "\r\n")) == whole, "\(name) as CRLF")
            // And with a BOM in front.
            #expect(try decodeSSE([0xEF, 0xBB, 0xBF] + bytes) == whole, "\(name) with a BOM")
        }
    }

    static func withLineEnds(_ bytes: [UInt8], _ end: String) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        return Array(text.replacingOccurrences(of: "\n", with: end).utf8)
    }

    @Test func utf8CharacterSplitAcrossChunks() throws {
        let bytes = Array("data: 😀\n\n".utf8)
        let emoji = bytes.firstIndex(of: 0xF0)!
        for cut in emoji + 1..<emoji + 4 {
            #expect(try decodeSSE(chunks: [bytes[..<cut], bytes[cut...]]) == [SSEEvent(data: "😀")])
        }
    }

    @Test func commentsAreCounted() throws {
        var decoder = SSEDecoder()
        decoder.push(Array(": a\n: b\r\n:c\rdata: x\n\n".utf8))
        #expect(try decoder.next() == SSEEvent(data: "x"))
        #expect(decoder.commentCount == 3)
        #expect(try decoder.next() == nil)
    }

    @Test func pullingBeforeAnEventEndsGivesNil() throws {
        var decoder = SSEDecoder()
        #expect(try decoder.next() == nil)
        decoder.push(Array("data: x\n".utf8))
        #expect(try decoder.next() == nil)
        decoder.push(Array("\n".utf8))
        #expect(try decoder.next() == SSEEvent(data: "x"))
        #expect(try decoder.next() == nil)
        // finish() drops the unfinished event and resets.
        decoder.push(Array("data: lost\n".utf8))
        #expect(try decoder.next() == nil)
        decoder.finish()
        decoder.push(Array("\n".utf8))
        #expect(try decoder.next() == nil)
        decoder.push(Array("data: y\n\n".utf8))
        #expect(try decoder.next() == SSEEvent(data: "y"))
    }

    @Test func manyEventsKeepBufferBounded() throws {
        // Enough traffic to pass the compaction threshold many times.
        var decoder = SSEDecoder()
        var count = 0
        for i in 0..<5000 {
            decoder.push(Array("data: event number \(i) with some padding to make it longer\r\n\r\n".utf8))
            while let e = try decoder.next() {
                #expect(e.data == "event number \(count) with some padding to make it longer")
                count += 1
            }
        }
        #expect(count == 5000)
    }

    // MARK: Malformed input

    @Test func randomBytesNeverCrashOrHang() throws {
        var rng = SeededRNG(seed: 0x5EED)
        let alphabet: [UInt8] = Array("data:event:id:retry: \r\n\n\r:x{}\"".utf8) + [0x00, 0xEF, 0xBB, 0xBF, 0xFF, 0xC3, 0x80, 0xF0]
        for _ in 0..<3000 {
            let length = Int.random(in: 0...96, using: &rng)
            let bytes: [UInt8] = (0..<length).map { _ in
                Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            let whole = try decodeSSE(bytes)
            #expect(whole.count <= bytes.count)
            // Random chunking gives the same events.
            var chunks: [ArraySlice<UInt8>] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...8, using: &rng))
                chunks.append(bytes[start..<end])
                start = end
            }
            let chunked = try decodeSSE(chunks: chunks)
            if chunked != whole {
                Issue.record("chunked decoding of \(bytes) gave \(chunked), whole gave \(whole)")
                return
            }
        }
    }

    @Test func lineLongerThanTheLimit() throws {
        // An unfinished line.
        var decoder = SSEDecoder(maxEventSize: 100)
        decoder.push(Array("data: ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 200))
        #expect(throws: SSEDecodingError.eventTooLarge(limit: 100)) { try decoder.next() }
        // A finished line.
        #expect(throws: SSEDecodingError.eventTooLarge(limit: 100)) {
            try decodeSSE(Array("data: ".utf8) + Array(repeating: UInt8(ascii: "y"), count: 200) + Array("\n\n".utf8), maxEventSize: 100)
        }
        // Many short data lines adding up.
        #expect(throws: SSEDecodingError.eventTooLarge(limit: 100)) {
            try decodeSSE(Array(String(repeating: "data: 0123456789\n", count: 20).utf8), maxEventSize: 100)
        }
        // Arriving in small chunks.
        var chunked = SSEDecoder(maxEventSize: 100)
        var thrown: SSEDecodingError?
        for _ in 0..<50 where thrown == nil {
            chunked.push(Array(repeating: UInt8(ascii: "z"), count: 10))
            do {
                _ = try chunked.next()
            } catch {
                thrown = error
            }
        }
        #expect(thrown == .eventTooLarge(limit: 100))
        #expect(SSEDecodingError.eventTooLarge(limit: 100).description.contains("100"))
        // Events under the limit pass.
        #expect(try decodeSSE(Array("data: 0123456789\n\n".utf8), maxEventSize: 100) == [SSEEvent(data: "0123456789")])
    }

    @Test func invalidUTF8InDataIsReplaced() throws {
        let bytes = Array("data: a".utf8) + [0xFF, 0xFE, 0xC3] + Array("b\nevent: ".utf8) + [0xC0] + Array("\n\n".utf8)
        let events = try decodeSSE(bytes)
        #expect(events.count == 1)
        #expect(events[0].data == "a\u{FFFD}\u{FFFD}\u{FFFD}b")
        #expect(events[0].type == "\u{FFFD}")
        try Self.expectSplitInvariance(bytes, expected: events)
    }

    // MARK: Encoder

    @Test func encoderWritesLFOnlyAndSplitsLines() throws {
        var out = ByteBuffer()
        SSEEncoder.write(data: Array("one\ntwo\r\nthree\rfour".utf8), event: "update", id: "9", into: &out)
        SSEEncoder.writeComment("keep-alive", into: &out)
        SSEEncoder.write(data: Array("".utf8), into: &out)
        SSEEncoder.write(json: ["a": [1, 2], "s": "line\nbreak"], into: &out)
        SSEEncoder.write(data: Array("trailing\n".utf8), into: &out)
        let bytes = Array(out.readableBytesView)
        #expect(!bytes.contains(0x0D), "no CR bytes")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text == """
            event: update
            id: 9
            data: one
            data: two
            data: three
            data: four

            : keep-alive

            data: \n
            data: {"a":[1,2],"s":"line\\nbreak"}

            data: trailing
            data: \n

            """)
        var decoder = SSEDecoder()
        decoder.push(out)
        var events: [SSEEvent] = []
        while let e = try decoder.next() { events.append(e) }
        #expect(decoder.commentCount == 1)
        #expect(events == [
            SSEEvent(type: "update", data: "one\ntwo\nthree\nfour", id: "9"),
            SSEEvent(data: "", id: "9"),
            SSEEvent(data: #"{"a":[1,2],"s":"line\nbreak"}"#, id: "9"),
            SSEEvent(data: "trailing\n", id: "9"),
        ])
        #expect(try json(events[2].data) == ["a": [1, 2], "s": "line\nbreak"])
    }

    @Test func encoderRoundTripsEverySampleEvent() throws {
        for name in try Samples.names(withExtension: "sse") {
            let events = try Samples.events(name)
            var out = ByteBuffer()
            for e in events {
                SSEEncoder.write(data: Array(e.data.utf8), event: e.type == "message" ? nil : e.type, into: &out)
            }
            let bytes = Array(out.readableBytesView)
            #expect(!bytes.contains(0x0D))
            #expect(try decodeSSE(bytes) == events, "\(name)")
            // python-a2a's clients split on "\n\n": each event is one block with one data: line.
            let blocks = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(blocks.count == events.count)
            #expect(blocks.allSatisfy { $0.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.count == 1 })
        }
    }

    // MARK: SSEEventSequence

    static func byteStream(_ bytes: [UInt8], chunkSize: Int) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunkSize)
                continuation.yield(ByteBuffer(bytes: bytes[start..<end]))
                start = end
            }
            continuation.finish()
        }
    }

    @Test(arguments: [1, 2, 7, 64, 100_000])
    func eventSequenceOverAsyncStream(_ chunkSize: Int) async throws {
        let bytes = try Samples.bytes("v10-stream.sse")
        let expected = try decodeSSE(bytes)
        var events: [SSEEvent] = []
        for try await e in Self.byteStream(bytes, chunkSize: chunkSize).sseEvents() {
            events.append(e)
        }
        #expect(events == expected)
        #expect(events.count == 5)
        // Decoded all the way to the model.
        let states = try events.compactMap { try WireDecoder.streamResponse(JSONRPCResponse.parse(json($0.data)).outcome.get()).state }
        #expect(states == [.submitted, .working, .completed])
    }

    @Test func eventSequenceDropsTheUnfinishedEventAndEnds() async throws {
        var events: [SSEEvent] = []
        for try await e in SSEEventSequence(Self.byteStream(Array("data: a\n\ndata: b".utf8), chunkSize: 3)) {
            events.append(e)
        }
        #expect(events == [SSEEvent(data: "a")])
        var iterator = SSEEventSequence(Self.byteStream([], chunkSize: 1)).makeAsyncIterator()
        #expect(try await iterator.next() == nil)
        #expect(try await iterator.next() == nil)
    }

    @Test func eventSequencePropagatesTooLarge() async {
        let bytes = Array("data: ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 500)
        await #expect(throws: SSEDecodingError.eventTooLarge(limit: 64)) {
            for try await _ in Self.byteStream(bytes, chunkSize: 16).sseEvents(maxEventSize: 64) {}
        }
    }
}

import Foundation
import Testing

@testable import A2A

/// Regression tests for bugs the codec suites found in Sources/A2A (now fixed).
@Suite("Regressions in Sources/A2A")
struct RegressionTests {
    /// `Timestamp.format` truncates `timeIntervalSince1970 * 1000` with `.rounded(.down)`; a
    /// millisecond timestamp parsed by `Timestamp.parse` can land a hair below its millisecond in
    /// binary floating point, so relaying it writes the previous millisecond (.468 → .467).
    @Test func timestampFormatLosesAMillisecondToRounding() {
        for text in ["2004-07-11T01:35:47.468Z", "2038-11-05T01:51:28.398Z"] {
            #expect(Timestamp.parse(text).map(Timestamp.format) == text)
        }
    }

    /// An empty inline file (`raw: ""`, 0.3 `bytes: ""`) is read as absent: in 1.0 the part fails
    /// to decode, in 0.3 it turns into a URL part with an empty URL.
    @Test func emptyRawBytesDoNotRoundTrip() throws {
        let empty = Part(.raw(Data()), filename: "empty.txt", mediaType: "text/plain")
        #expect((try? WireDecoder.part(WireEncoder(.v1_0).part(empty))) == empty)
        #expect((try? WireDecoder.part(WireEncoder(.v0_3).part(empty))) == empty)
    }

    /// W3C SSE: an `event` field with an empty value leaves the type as `message`; the decoder
    /// dispatches type `""` instead.
    @Test func emptyEventFieldMeansMessage() throws {
        let events = try decodeSSE(Array("event:\ndata: x\n\nevent\ndata: y\n\n".utf8))
        #expect(events.map(\.type) == ["message", "message"])
    }
}

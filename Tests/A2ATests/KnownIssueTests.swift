import Foundation
import Testing

@testable import A2A

/// Bugs found in Sources/A2A and not fixed here. Each test states the correct behaviour inside
/// `withKnownIssue`, so the suite stays green while the bug exists and reports the known issue
/// as unexpectedly absent once it is fixed (then remove the wrapper).
@Suite("Known issues in Sources/A2A")
struct KnownIssueTests {
    /// `Timestamp.format` truncates `timeIntervalSince1970 * 1000` with `.rounded(.down)`; a
    /// millisecond timestamp parsed by `Timestamp.parse` can land a hair below its millisecond in
    /// binary floating point, so relaying it writes the previous millisecond (.468 → .467).
    @Test func timestampFormatLosesAMillisecondToRounding() {
        for text in ["2004-07-11T01:35:47.468Z", "2038-11-05T01:51:28.398Z"] {
            withKnownIssue("Timestamp.format floors float error (Sources/A2A/Wire/Timestamp.swift, format)") {
                #expect(Timestamp.parse(text).map(Timestamp.format) == text)
            }
        }
    }

    /// An empty inline file (`raw: ""`, 0.3 `bytes: ""`) is read as absent: in 1.0 the part fails
    /// to decode, in 0.3 it turns into a URL part with an empty URL.
    @Test func emptyRawBytesDoNotRoundTrip() throws {
        let empty = Part(.raw(Data()), filename: "empty.txt", mediaType: "text/plain")
        withKnownIssue("optionalString reads \"\" as absent for raw/bytes (Sources/A2A/Wire/WireDecoder.swift, part)") {
            #expect((try? WireDecoder.part(WireEncoder(.v1_0).part(empty))) == empty)
        }
        withKnownIssue("optionalString reads \"\" as absent for raw/bytes (Sources/A2A/Wire/WireDecoder.swift, part)") {
            #expect((try? WireDecoder.part(WireEncoder(.v0_3).part(empty))) == empty)
        }
    }

    /// W3C SSE: an `event` field with an empty value leaves the type as `message`; the decoder
    /// dispatches type `""` instead.
    @Test func emptyEventFieldMeansMessage() throws {
        let events = try decodeSSE(Array("event:\ndata: x\n\nevent\ndata: y\n\n".utf8))
        withKnownIssue("SSEDecoder uses eventType ?? \"message\" (Sources/A2A/SSE/SSEDecoder.swift, process)") {
            #expect(events.map(\.type) == ["message", "message"])
        }
    }
}

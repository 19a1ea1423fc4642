import A2A
import A2APipe
import Foundation

/// `--output jsonl`: every event as one JSON object on its own line on stdout (design.md §4),
/// and nothing else there. Each line is written (and so flushed) as soon as its event happens,
/// with `ts`, the time it was written (UTC, milliseconds), as its last member.
struct JSONLinesWriter: PipelineEventSink {
    /// Where the lines go (stdout).
    var fd: Int32 = 1

    func receive(_ event: PipelineEvent) async throws {
        guard case .object(var object) = event.json else { return }
        object.append("ts", .string(Timestamp.format(Date())))
        try StandardStream.output(JSONWriter.string(.object(object)) + "\n", to: fd)
    }
}

import A2APipe

/// `--output jsonl`: every event as one JSON object on its own line on stdout (design.md §4),
/// and nothing else there. Each line is written (and so flushed) as soon as its event happens.
struct JSONLinesWriter: PipelineEventSink {
    /// Where the lines go (stdout).
    var fd: Int32 = 1

    func receive(_ event: PipelineEvent) async throws {
        try StandardStream.output(event.jsonLine + "\n", to: fd)
    }
}

import A2APipe

/// `--output quiet`: shows nothing of the run (the output still goes to stdout).
struct QuietSink: PipelineEventSink {
    func receive(_ event: PipelineEvent) async throws {}
}

import A2APipe

/// Hands every event to each of its sinks in turn (e.g. the live view and the output writer).
struct FanOutSink: PipelineEventSink {
    var sinks: [any PipelineEventSink]

    func receive(_ event: PipelineEvent) async throws {
        for sink in sinks { try await sink.receive(event) }
    }
}

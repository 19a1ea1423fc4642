import AsyncAlgorithms

/// The merge point of a run: every stage sends its events here, and the run's consumer takes
/// them one at a time and hands them to the sink.
///
/// It is an `AsyncChannel`: a send waits until the consumer takes the event, so no event is
/// buffered and a slow sink slows every stage (backpressure). When the sending task is
/// cancelled the send returns at once.
struct EventEmitter: Sendable {
    let channel: AsyncChannel<PipelineEvent>

    func send(_ event: PipelineEvent) async {
        await channel.send(event)
    }
}

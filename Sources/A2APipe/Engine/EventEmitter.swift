/// The merge point of a run: every stage sends its events here, and the run's consumer takes
/// them in order and hands them to the sink.
///
/// A ``BoundedChannel``: stages run on while up to ``capacity`` events wait, then wait for the
/// consumer (backpressure: a slow sink slows every stage; memory stays bounded). Buffering a
/// few events lets the consumer take them without a thread wake-up per event. When the sending
/// task is cancelled the send returns at once.
struct EventEmitter: Sendable {
    /// Events buffered before senders wait.
    static let capacity = 64

    let channel: BoundedChannel<PipelineEvent>

    init(channel: BoundedChannel<PipelineEvent> = BoundedChannel(capacity: EventEmitter.capacity)) {
        self.channel = channel
    }

    func send(_ event: PipelineEvent) async {
        await channel.send(event)
    }
}

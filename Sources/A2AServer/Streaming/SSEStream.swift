import A2A
import Hummingbird

/// The HTTP response that streams one subscription as Server-Sent Events.
///
/// Each batch of queued events is framed and written in one write (flushed at once). A
/// ticker queues a `: keep-alive` comment after ``A2AServerConfiguration/keepAliveInterval``
/// of silence. The stream ends after the run's terminal or interrupted state; when a write
/// fails (the client went away) the subscription is removed as *disconnected*, which may
/// cancel the task (``TaskRun/unsubscribe(_:disconnected:)``).
enum SSEStream {
    static func response(
        run: TaskRun, subscription: Subscription, framer: some EventFramer, keepAlive: Duration
    ) -> Response {
        Response(status: .ok, headers: HTTPResponses.sseHeaders, body: ResponseBody { writer in
            var framer = framer
            var disconnected = false
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        let wait = subscription.keepAliveIfIdle(keepAlive)
                        do { try await Task.sleep(for: wait) } catch { return }
                    }
                }
                do {
                    var opening = ByteBuffer()
                    framer.start(into: &opening)
                    if opening.readableBytes > 0 { try await writer.write(opening) }
                    while true {
                        let batch = await subscription.next()
                        var buffer = ByteBuffer()
                        buffer.reserveCapacity(min(batch.items.count, 64) * 256)
                        for item in batch.items {
                            switch item {
                            case .event(let event): framer.write(event, into: &buffer)
                            case .keepAlive: SSEEncoder.writeComment("keep-alive", into: &buffer)
                            }
                        }
                        framer.endOfBatch(into: &buffer)
                        if let end = batch.end {
                            framer.finish(end, into: &buffer)
                            if end == .cancelled { disconnected = true }
                        }
                        if buffer.readableBytes > 0 { try await writer.write(buffer) }
                        if batch.end != nil { break }
                    }
                    try await writer.finish(nil)
                } catch {
                    disconnected = true
                }
                group.cancelAll()
            }
            await run.unsubscribe(subscription, disconnected: disconnected)
        })
    }
}

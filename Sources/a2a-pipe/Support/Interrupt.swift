import Dispatch
import Foundation

/// Runs work until it finishes or the user presses Ctrl-C (SIGINT) or sends SIGTERM.
///
/// On a signal the work is cancelled (so streams close and `onInterrupt` can cancel remote
/// tasks), then the process exits with 130.
enum Interrupt {
    struct Signalled: Error {}

    static func run(_ work: @escaping @Sendable () async throws -> Void, onInterrupt: @escaping @Sendable () async -> Void = {}) async throws {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        let watch = SignalWatch { sig, _ in continuation.yield(sig) }
        defer {
            watch.cancel()
            continuation.finish()
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await work() }
                group.addTask {
                    for await _ in signals { throw Signalled() }
                    try await Task.sleep(for: .seconds(86_400 * 365))  // the stream only ends when we are done
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch is Signalled {
            Terminal.err("\ninterrupted\n")
            // Bounded: a remote cancel that hangs must not keep the user waiting.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await onInterrupt() }
                group.addTask { try? await Task.sleep(for: .seconds(2)) }
                await group.next()
                group.cancelAll()
            }
            throw Exit(code: 130)
        }
    }
}

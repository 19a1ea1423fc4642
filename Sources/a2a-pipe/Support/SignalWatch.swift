import Dispatch
import Foundation

/// Calls `handler` on a global queue for every SIGINT and SIGTERM the process receives, with
/// how many arrived together (the kernel and Dispatch coalesce signals that come at once),
/// until ``cancel()``. The one place the CLI registers signal sources (`run`'s interrupt and
/// the servers' forced exit both use it).
struct SignalWatch {
    private let sources: [any DispatchSourceSignal]

    init(_ signals: [Int32] = [SIGINT, SIGTERM], handler: @escaping @Sendable (_ signal: Int32, _ count: Int) -> Void) {
        sources = signals.map { sig in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { handler(sig, max(1, Int(source.data))) }
            source.resume()
            return source
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}

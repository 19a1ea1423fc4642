import Synchronization

/// Counts the bytes of output a stage (or the whole pipeline) produced and refuses more than
/// its cap: ``EngineConfiguration/maxStageOutputBytes`` and
/// ``EngineConfiguration/maxRunOutputBytes``.
final class OutputCap: Sendable {
    let limit: Int
    let kind: OutputCapExceeded.Kind
    private let used = Mutex(0)

    init(limit: Int, kind: OutputCapExceeded.Kind) {
        self.limit = limit
        self.kind = kind
    }

    /// Counts `bytes` more; throws ``OutputCapExceeded`` when the total passes the cap.
    func add(_ bytes: Int) throws(OutputCapExceeded) {
        let total = used.withLock { u in
            u += bytes
            return u
        }
        if total > limit { throw OutputCapExceeded(kind: kind, limit: limit) }
    }
}

/// A stage's output, or the pipeline's, grew past its cap. Not retried: another attempt would
/// produce the same output.
public struct OutputCapExceeded: Error, Sendable, CustomStringConvertible {
    /// Which cap.
    public enum Kind: Sendable, Equatable {
        /// One stage's output (all its items, for `for_each`).
        case stage(String)
        /// The pipeline's output.
        case run
    }

    public var kind: Kind
    public var limit: Int

    public var description: String {
        switch kind {
        case .stage(let id):
            "the output of stage '\(id)' passed the per-stage cap of \(limit) bytes (maxStageOutputBytes; a2a-pipe serve --max-stage-output)"
        case .run:
            "the pipeline's output passed the per-run cap of \(limit) bytes (maxRunOutputBytes; a2a-pipe serve --max-run-output)"
        }
    }
}

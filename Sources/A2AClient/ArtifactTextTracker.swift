import A2A

/// Follows the text of a task's artifacts across stream events, snapshots and re-attaches, and
/// says what is new: each piece of text is reported exactly once.
///
/// Chunks (`append`) are new text. A snapshot (a `task` event, e.g. the first event after
/// re-attaching, or a `GetTask` result) reports only the part beyond what was already
/// reported, so a dropped stream can be resumed without losing or repeating text.
public struct ArtifactTextTracker: Sendable {
    private var emitted: [String: Int] = [:]  // artifactId -> UTF-8 bytes reported

    public init() {}

    /// The new text an event brings, in artifact order.
    public mutating func newText(in event: StreamResponse) -> String {
        switch event {
        case .artifactUpdate(let update):
            let id = update.artifact.artifactId
            let text = update.artifact.text
            if update.append || emitted[id] == nil {
                record(id, adding: text.utf8.count)
                return text
            }
            return suffix(of: text, for: id)
        case .task(let task):
            return newText(in: task)
        case .message(let message):
            return message.role == .agent ? message.text : ""
        case .statusUpdate:
            return ""
        }
    }

    /// The text of a task snapshot beyond what was already reported.
    public mutating func newText(in task: A2ATask) -> String {
        var out = ""
        for artifact in task.artifacts {
            let text = artifact.text
            if emitted[artifact.artifactId] == nil {
                record(artifact.artifactId, adding: text.utf8.count)
                out += text
            } else {
                out += suffix(of: text, for: artifact.artifactId)
            }
        }
        return out
    }

    /// Whether any text has been reported.
    public var hasText: Bool { emitted.values.contains { $0 > 0 } }

    private mutating func record(_ id: String, adding count: Int) {
        emitted[id, default: 0] += count
    }

    private mutating func suffix(of text: String, for id: String) -> String {
        let done = emitted[id] ?? 0
        let utf8 = text.utf8
        guard utf8.count > done else { return "" }
        let start = utf8.index(utf8.startIndex, offsetBy: done)
        emitted[id] = utf8.count
        return String(text[start...])
    }
}

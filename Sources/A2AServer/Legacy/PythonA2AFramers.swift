import A2A
import NIOCore

/// python-a2a `POST /stream` events (a2a-wire.md §8.3): an opening comment, then
/// `data: {"content": "<text>", "index": n, "append": true[, "meta": {…}]}` per artifact chunk,
/// and always a closing `{"content": "", …, "lastChunk": true}`. `content` is always a string.
/// Chunk metadata and progress become `meta`; status text with progress is a `meta`-only
/// event; a failure is `event: error` with `{"error": "…"}`.
struct PythonA2AChunkFramer: EventFramer {
    private var index = 0
    private var emitted: [String: Int] = [:]

    mutating func start(into buffer: inout ByteBuffer) {
        SSEEncoder.writeComment("SSE stream established", into: &buffer)
    }

    mutating func write(_ event: StreamResponse, into buffer: inout ByteBuffer) {
        switch event {
        case .task(let t):
            // A snapshot (a retry joining a running task): send the text not sent yet.
            for a in t.artifacts {
                let text = a.text
                let sent = emitted[a.artifactId] ?? 0
                if text.utf8.count > sent {
                    chunk(String(decoding: Array(text.utf8)[sent...], as: UTF8.self), meta: nil, into: &buffer)
                    emitted[a.artifactId] = text.utf8.count
                }
            }
        case .message(let m):
            chunk(m.text, meta: m.metadata, into: &buffer)
        case .artifactUpdate(let u):
            let text = u.artifact.parts.map { p -> String in
                if let t = p.text { return t }
                if case .data(let d) = p.content { return JSONWriter.string(d) }
                return ""
            }.joined()
            let base = u.append ? (emitted[u.artifact.artifactId] ?? 0) : 0
            emitted[u.artifact.artifactId] = base + text.utf8.count
            var meta = u.artifact.metadata ?? JSONObject()
            if let m = u.metadata { for (k, v) in m { meta[k] = v } }
            // An empty chunk that only closes the artifact says nothing here: the stream's
            // own closing chunk marks the end.
            if text.isEmpty, meta.isEmpty { return }
            chunk(text, meta: meta, into: &buffer)
        case .statusUpdate(let u):
            switch u.status.state {
            case .failed, .rejected:
                let message = u.status.message?.text ?? "The task \(u.status.state.v03Name)"
                SSEEncoder.write(json: ["error": .string(message.isEmpty ? "The task failed" : message)], event: "error", into: &buffer)
            case .inputRequired, .authRequired:
                if let q = u.status.message?.text, !q.isEmpty {
                    chunk(q, meta: ["state": .string(u.status.state.pythonA2AName)], into: &buffer)
                }
            default:
                var meta = u.metadata ?? JSONObject()
                if let p = ProgressMetadata.progress(in: u.metadata) ?? ProgressMetadata.progress(in: u.status.message?.metadata) {
                    meta[ProgressMetadata.key] = .number(p)
                }
                guard !meta.isEmpty || u.status.message != nil, !u.status.state.isTerminal else { return }
                if let text = u.status.message?.text, !text.isEmpty { meta["status"] = .string(text) }
                meta["state"] = .string(u.status.state.pythonA2AName)
                chunk("", meta: meta, into: &buffer)
            }
        }
    }

    mutating func finish(_ end: Subscription.End, into buffer: inout ByteBuffer) {
        SSEEncoder.write(json: PythonA2AWire.chunk("", index: index, lastChunk: true), into: &buffer)
        index += 1
    }

    private mutating func chunk(_ text: String, meta: JSONObject?, into buffer: inout ByteBuffer) {
        SSEEncoder.write(json: PythonA2AWire.chunk(text, index: index, meta: meta), into: &buffer)
        index += 1
    }
}

/// python-a2a `POST /tasks/stream` events: `event: update` with the whole task (cumulative
/// text, `waiting` while it runs, never `working`) once per batch, then `event: complete`.
struct PythonA2ATaskFramer: EventFramer {
    private var task: A2ATask
    private var changed = false
    private let clientTaskId: String?

    init(task: A2ATask, clientTaskId: String?) {
        self.task = task
        self.clientTaskId = clientTaskId
    }

    mutating func write(_ event: StreamResponse, into buffer: inout ByteBuffer) {
        switch event {
        case .task(let t): task = t
        case .message(let m):
            task.artifacts = [Artifact(artifactId: TaskUpdater.defaultArtifactId, parts: [.text(m.text)])]
            task.status = TaskStatus(state: .completed, timestamp: .now)
        case .statusUpdate(let u): task.status = u.status
        case .artifactUpdate(let u): task.applyChunk(u)
        }
        changed = true
    }

    mutating func endOfBatch(into buffer: inout ByteBuffer) {
        guard changed, !task.status.state.endsStream else { return }
        changed = false
        SSEEncoder.write(json: shaped(), event: "update", into: &buffer)
    }

    mutating func finish(_ end: Subscription.End, into buffer: inout ByteBuffer) {
        SSEEncoder.write(json: shaped(), event: "complete", into: &buffer)
    }

    private func shaped() -> JSONValue {
        var t = task
        if let id = clientTaskId { t.id = id }
        return PythonA2AWire.task(t, text: PythonA2AHandler.outputText(t))
    }
}

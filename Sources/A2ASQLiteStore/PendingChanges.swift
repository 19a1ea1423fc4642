import A2A

/// The changes of one running task that are not written yet, coalesced: the latest status, and
/// its chunks and messages in order, where consecutive appending chunks of one artifact are
/// merged into one (their text joined in place, so a long stream costs no quadratic copying).
struct PendingChanges {
    /// One item of the task's event log.
    struct Item {
        /// A message added to the task's history, or `nil` for a chunk.
        var message: Message?
        /// The first chunk of a merged run of chunks.
        var chunk: TaskArtifactUpdateEvent?
        /// Text appended after `chunk`'s parts, joined to its last plain text part when written.
        var tail = ""
    }

    /// The latest status, if one came since the last write.
    var status: TaskStatus?
    /// Whether the state changed since the last write (a row of the status history is due).
    var stateChanged = false
    /// Chunks and messages, in order.
    var items: [Item] = []
    /// About how many bytes these changes hold.
    var bytes = 0

    var isEmpty: Bool { status == nil && items.isEmpty }

    /// Adds an artifact chunk.
    mutating func add(_ u: TaskArtifactUpdateEvent) {
        let last = items.indices.last
        if u.append, let last, let first = items[last].chunk, first.artifact.artifactId == u.artifact.artifactId {
            for part in u.artifact.parts {
                if case .text(let t) = part.content, part.isPlainText, items[last].joinsText {
                    items[last].tail += t
                    bytes += t.utf8.count
                } else {
                    items[last].materializeTail()
                    items[last].chunk!.artifact.parts.append(part)
                    bytes += 64
                }
            }
            if let m = u.artifact.metadata { items[last].chunk!.artifact.metadata = m }
            items[last].chunk!.lastChunk = u.lastChunk
            return
        }
        items.append(Item(chunk: u))
        bytes += 256 + u.artifact.parts.reduce(0) { n, p in
            if case .text(let t) = p.content { return n + t.utf8.count }
            return n + 64
        }
    }

    /// Adds a message to the history.
    mutating func add(_ m: Message) {
        items.append(Item(message: m))
        bytes += 512
    }

    /// The log events to write, in order.
    mutating func takeEvents(taskId: String, contextId: String) -> [StreamResponse] {
        var out: [StreamResponse] = []
        out.reserveCapacity(items.count)
        for i in items.indices {
            if let m = items[i].message {
                out.append(.message(m))
            } else {
                items[i].materializeTail()
                out.append(.artifactUpdate(items[i].chunk!))
            }
        }
        items.removeAll()
        return out
    }
}

extension PendingChanges.Item {
    /// Whether plain text appended now joins the text before it (as ``A2ATask/applyChunk(_:)``
    /// joins it when the chunk is read back).
    var joinsText: Bool {
        if !tail.isEmpty { return true }
        guard let p = chunk?.artifact.parts.last, case .text = p.content else { return false }
        return p.isPlainText
    }

    /// Moves the pending text into the chunk's parts.
    mutating func materializeTail() {
        guard !tail.isEmpty, chunk != nil else { return }
        let text = tail
        tail = ""
        if let last = chunk!.artifact.parts.indices.last, chunk!.artifact.parts[last].appendText(text) { return }
        chunk!.artifact.parts.append(Part(.text(text)))
    }
}

extension Part {
    /// Text with no metadata, media type or file name: consecutive ones are joined in stored tasks.
    var isPlainText: Bool {
        guard case .text = content else { return false }
        return metadata == nil && mediaType == nil && filename == nil
    }
}

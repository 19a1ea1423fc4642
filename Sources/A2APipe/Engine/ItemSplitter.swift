import A2A

/// Splits a stage's output into `for_each` items as it streams, holding back only the
/// unfinished item.
///
/// - `lines`: one item per non-empty line (without its line end; `\n`, `\r\n`).
/// - `parts`: one item per chunk the upstream produced (an A2A artifact chunk or message part).
/// - `json`: one item per element of a top-level JSON array, or per top-level JSON value when
///   the output is not an array (JSON Lines). A string element is the string's value; any
///   other element is its JSON text.
struct ItemSplitter: Sendable {
    let mode: SplitMode
    private var pending: [UInt8] = []
    // json scanning state
    private var scanned = 0          // bytes of `pending` already scanned
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var isArray: Bool?       // decided by the first non-space byte
    private var elementStart: Int?   // start of the element being scanned
    private var arrayClosed = false

    init(mode: SplitMode) {
        self.mode = mode
    }

    /// The items that `chunk` completes.
    mutating func push(_ chunk: String) -> [String] {
        switch mode {
        case .parts:
            return chunk.isEmpty ? [] : [chunk]
        case .lines:
            pending.append(contentsOf: chunk.utf8)
            return takeLines(final: false)
        case .json:
            pending.append(contentsOf: chunk.utf8)
            return scanJSON(final: false)
        }
    }

    /// The last items, once the upstream's output has ended.
    mutating func finish() -> [String] {
        switch mode {
        case .parts: return []
        case .lines: return takeLines(final: true)
        case .json: return scanJSON(final: true)
        }
    }

    private mutating func takeLines(final: Bool) -> [String] {
        var items: [String] = []
        var start = 0
        var i = scanned
        while i < pending.count {
            if pending[i] == UInt8(ascii: "\n") {
                appendLine(pending[start..<i], to: &items)
                start = i + 1
            }
            i += 1
        }
        if final {
            appendLine(pending[start...], to: &items)
            pending.removeAll()
            scanned = 0
        } else {
            pending.removeFirst(start)
            scanned = pending.count
        }
        return items
    }

    private func appendLine(_ bytes: ArraySlice<UInt8>, to items: inout [String]) {
        var line = bytes
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        items.append(String(decoding: line, as: UTF8.self))
    }

    private mutating func scanJSON(final: Bool) -> [String] {
        var items: [String] = []
        var i = scanned
        while i < pending.count {
            let b = pending[i]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            let isSpace = b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
            if isArray == nil {
                if isSpace { i += 1; continue }
                isArray = b == UInt8(ascii: "[")
                if isArray == true { i += 1; continue }
            }
            if arrayClosed { i += 1; continue }
            switch b {
            case UInt8(ascii: "\""):
                if elementStart == nil { elementStart = i }
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if elementStart == nil { elementStart = i }
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth == 0, isArray == true, b == UInt8(ascii: "]") {
                    emit(upTo: i, into: &items)
                    arrayClosed = true
                } else {
                    depth -= 1
                    if depth == 0, isArray == false { emit(upTo: i + 1, into: &items) }
                }
            case UInt8(ascii: ","):
                if depth == 0 { emit(upTo: i, into: &items) }
            default:
                if isSpace {
                    if depth == 0, isArray == false, elementStart != nil { emit(upTo: i, into: &items) }
                } else if elementStart == nil {
                    elementStart = i
                }
            }
            i += 1
        }
        if final, !inString, depth == 0 { emit(upTo: pending.count, into: &items) }
        // Drop what is no longer needed.
        let keepFrom = elementStart ?? pending.count
        pending.removeFirst(keepFrom)
        if elementStart != nil { elementStart = 0 }
        scanned = i - keepFrom
        return items
    }

    private mutating func emit(upTo end: Int, into items: inout [String]) {
        guard let start = elementStart else { return }
        elementStart = nil
        var slice = pending[start..<end]
        while let last = slice.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 { slice = slice.dropLast() }
        guard !slice.isEmpty else { return }
        if slice.first == UInt8(ascii: "\""), let value = try? JSONParser().parse(Array(slice)), let text = value.stringValue {
            items.append(text)
        } else {
            items.append(String(decoding: slice, as: UTF8.self))
        }
    }
}

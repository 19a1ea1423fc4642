import A2A

/// Splits a stage's output into `for_each` items as it streams, holding back only the
/// unfinished item.
///
/// - `lines`: one item per non-empty line (without its line end; `\n`, `\r\n`).
/// - `parts`: one item per chunk the upstream produced (an A2A artifact chunk or message part).
/// - `json`: one item per element of a top-level JSON array, or per top-level JSON value when
///   the output does not start with `[` (JSON Lines, or any whitespace-separated JSON values).
///   A string element is the string's value; any other element is its JSON text. The output
///   must be valid JSON: every item is checked with ``JSONParser`` as it completes, and
///   anything else — prose, a missing or doubled comma, an unclosed value, text after the
///   array — throws ``ItemSplitError`` with the byte offset, so the stage fails instead of
///   iterating over garbage.
struct ItemSplitter: Sendable {
    let mode: SplitMode
    private var pending: [UInt8] = []
    private var consumed = 0         // bytes dropped from the front of `pending` so far
    // json scanning state
    private var scanned = 0          // bytes of `pending` already scanned
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var isArray: Bool?       // decided by the first non-space byte
    private var elementStart: Int?   // start of the element being scanned
    private var arrayClosed = false
    private var expectingElement = false  // after a ',' in an array
    private var openedAt = 0         // absolute offset of the open element's first bracket
    private var arrayOpenedAt = 0    // absolute offset of the top-level '['

    init(mode: SplitMode) {
        self.mode = mode
    }

    /// The items that `chunk` completes.
    /// - Throws: ``ItemSplitError`` when `json` output is not valid JSON.
    mutating func push(_ chunk: String) throws(ItemSplitError) -> [String] {
        switch mode {
        case .parts:
            return chunk.isEmpty ? [] : [chunk]
        case .lines:
            pending.append(contentsOf: chunk.utf8)
            return takeLines(final: false)
        case .json:
            pending.append(contentsOf: chunk.utf8)
            return try scanJSON(final: false)
        }
    }

    /// The last items, once the upstream's output has ended.
    /// - Throws: ``ItemSplitError`` when `json` output ends inside a value or an array.
    mutating func finish() throws(ItemSplitError) -> [String] {
        switch mode {
        case .parts: return []
        case .lines: return takeLines(final: true)
        case .json: return try scanJSON(final: true)
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

    private func failure(at index: Int, _ reason: String) -> ItemSplitError {
        ItemSplitError(offset: consumed + index, reason: reason)
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private mutating func scanJSON(final: Bool) throws(ItemSplitError) -> [String] {
        var items: [String] = []
        var i = scanned
        while i < pending.count {
            let b = pending[i]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            let isSpace = Self.isSpace(b)
            if isArray == nil {
                if isSpace { i += 1; continue }
                isArray = b == UInt8(ascii: "[")
                if isArray == true { arrayOpenedAt = consumed + i; i += 1; continue }
            }
            if arrayClosed {
                if !isSpace { throw failure(at: i, "unexpected text after the JSON array ended") }
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                if elementStart == nil { elementStart = i }
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if elementStart == nil {
                    elementStart = i
                    openedAt = consumed + i
                }
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth == 0, isArray == true, b == UInt8(ascii: "]") {
                    if elementStart == nil, expectingElement { throw failure(at: i, "expected a value after ',' but the array ends") }
                    try emit(upTo: i, into: &items)
                    arrayClosed = true
                } else if depth == 0 {
                    throw failure(at: i, "unexpected '\(Character(Unicode.Scalar(b)))' with no value open")
                } else {
                    depth -= 1
                    if depth == 0, isArray == false { try emit(upTo: i + 1, into: &items) }
                }
            case UInt8(ascii: ","):
                if depth == 0 {
                    guard isArray == true else { throw failure(at: i, "unexpected ','; JSON Lines values are separated by line breaks, not commas") }
                    guard elementStart != nil else { throw failure(at: i, "expected a value before ','") }
                    try emit(upTo: i, into: &items)
                    expectingElement = true
                }
            default:
                if isSpace {
                    if depth == 0, isArray == false, elementStart != nil { try emit(upTo: i, into: &items) }
                } else if elementStart == nil {
                    elementStart = i
                }
            }
            i += 1
        }
        if final {
            if inString { throw failure(at: pending.count, "the JSON ends inside a string") }
            if depth > 0 { throw failure(at: pending.count, "the JSON ends early: a value opened at byte \(openedAt) is not closed") }
            if isArray == true, !arrayClosed { throw failure(at: pending.count, "the JSON ends early: the array opened at byte \(arrayOpenedAt) is not closed with ']'") }
            try emit(upTo: pending.count, into: &items)
        }
        // Drop what is no longer needed.
        let keepFrom = elementStart ?? pending.count
        pending.removeFirst(keepFrom)
        consumed += keepFrom
        if elementStart != nil { elementStart = 0 }
        scanned = i - keepFrom
        return items
    }

    private mutating func emit(upTo end: Int, into items: inout [String]) throws(ItemSplitError) {
        guard let start = elementStart else { return }
        elementStart = nil
        expectingElement = false
        var slice = pending[start..<end]
        while let last = slice.last, Self.isSpace(last) { slice = slice.dropLast() }
        guard !slice.isEmpty else { return }
        let value: JSONValue
        do {
            value = try JSONParser().parse(slice)
        } catch {
            let preview = String(decoding: slice.prefix(24), as: UTF8.self)
            throw failure(at: start + error.offset, "'\(preview)\(slice.count > 24 ? "…" : "")' is not a JSON value: \(error.reason)")
        }
        if let text = value.stringValue {
            items.append(text)
        } else {
            items.append(String(decoding: slice, as: UTF8.self))
        }
    }
}

/// A `for_each` stage's upstream output is not what `split: json` takes.
struct ItemSplitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The byte offset in the upstream's output where the problem is.
    var offset: Int
    /// What is wrong there.
    var reason: String

    var description: String {
        "split: json: invalid JSON at byte \(offset) of the upstream's output: \(reason) (split: json takes one JSON array, or JSON Lines: one JSON value per line)"
    }
}

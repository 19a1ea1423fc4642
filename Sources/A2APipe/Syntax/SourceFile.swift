/// The text of one pipeline file, with what is needed to turn offsets and
/// Yams marks into ``SourceLocation``s.
struct SourceFile: Sendable {
    /// The path shown in diagnostics.
    let path: String
    /// The file's text.
    let text: String
    /// The text as Unicode scalars (YAML columns count scalars).
    let scalars: [Unicode.Scalar]
    /// Scalar offset at which each line starts.
    let lineStarts: [Int]

    init(path: String, text: String) {
        self.path = path
        self.text = text
        let scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(index + 1)
        }
        self.scalars = scalars
        self.lineStarts = starts
    }

    /// A location in this file.
    func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: path, line: max(1, line), column: max(1, column))
    }

    /// The location of a scalar offset into ``scalars``.
    func location(ofOffset offset: Int) -> SourceLocation {
        let offset = min(max(0, offset), scalars.count)
        // Binary search for the last line start <= offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return location(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    /// The scalar offset of a location in this file.
    func offset(of location: SourceLocation) -> Int {
        let lineIndex = min(max(0, location.line - 1), lineStarts.count - 1)
        return min(lineStarts[lineIndex] + location.column - 1, scalars.count)
    }

    /// The locations of the first `count` occurrences of `token` at or after `start`.
    /// Fewer are returned when the file has fewer.
    func occurrences(of token: [Unicode.Scalar], count: Int, from start: SourceLocation) -> [SourceLocation] {
        guard count > 0, !token.isEmpty else { return [] }
        var found: [SourceLocation] = []
        var index = offset(of: start)
        let last = scalars.count - token.count
        while index <= last, found.count < count {
            var matches = true
            for (k, scalar) in token.enumerated() where scalars[index + k] != scalar {
                matches = false
                break
            }
            if matches {
                found.append(location(ofOffset: index))
                index += token.count
            } else {
                index += 1
            }
        }
        return found
    }

    /// Whether a line's leading whitespace contains a tab.
    func lineHasTabIndentation(_ line: Int) -> Bool {
        guard line >= 1, line <= lineStarts.count else { return false }
        var index = lineStarts[line - 1]
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" {
            if scalars[index] == "\t" { return true }
            index += 1
        }
        return false
    }

    /// The next place after `start` where `key` is written as a mapping key
    /// (`key:` or `"key":`), to point at the second of two duplicate keys.
    func nextKey(_ key: String, after start: SourceLocation) -> SourceLocation? {
        let key = Array(key.unicodeScalars)
        guard !key.isEmpty else { return nil }
        var index = offset(of: start) + 1
        while index + key.count <= scalars.count {
            defer { index += 1 }
            var position = index
            let before: Unicode.Scalar? = position > 0 ? scalars[position - 1] : nil
            var quote: Unicode.Scalar?
            if scalars[position] == "\"" || scalars[position] == "'" {
                quote = scalars[position]
                position += 1
            }
            guard position + key.count <= scalars.count, Array(scalars[position..<(position + key.count)]) == key else { continue }
            if let before, !(before == " " || before == "\n" || before == "{" || before == ",") { continue }
            var after = position + key.count
            if let quote {
                guard after < scalars.count, scalars[after] == quote else { continue }
                after += 1
            }
            while after < scalars.count, scalars[after] == " " { after += 1 }
            if after < scalars.count, scalars[after] == ":" { return location(ofOffset: index) }
        }
        return nil
    }
}

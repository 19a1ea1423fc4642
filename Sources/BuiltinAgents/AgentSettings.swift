import A2A

/// The settings of a built-in agent, as text: from `--set k=v` on the command line or a
/// pipeline's `with:` map. Typed reads check the value and say what was expected.
public struct AgentSettings: Sendable, Equatable {
    /// The values by key.
    public var values: [String: String]

    /// Settings from a map.
    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// Settings from `key=value` strings (the value may contain `=`).
    /// - Throws: ``BuiltinAgentError/invalidSetting(_:)`` for a string without `=`.
    public init(parsing pairs: [String]) throws(BuiltinAgentError) {
        var values: [String: String] = [:]
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw .invalidSetting("'\(pair)' is not key=value")
            }
            values[String(pair[..<eq]).trimmingSpaces] = String(pair[pair.index(after: eq)...]).trimmingSpaces
        }
        self.values = values
    }

    /// A duration (`250ms`, `2s`, `1.5s`, `5m`, `1h`; a bare number is seconds), or the default.
    public func duration(_ key: String, default value: Duration) throws(BuiltinAgentError) -> Duration {
        guard let text = values[key] else { return value }
        guard let d = Self.parseDuration(text) else {
            throw .invalidSetting("\(key)=\(text): expected a duration such as 250ms or 2s")
        }
        return d
    }

    /// A whole number in `range`, or the default.
    public func integer(_ key: String, default value: Int, in range: ClosedRange<Int>) throws(BuiltinAgentError) -> Int {
        guard let text = values[key] else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw .invalidSetting("\(key)=\(text): expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// Parses `250ms`, `2s`, `1.5s`, `5m`, `1h`, or a bare number of seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let t = text.trimmingSpaces.lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let n = Double(t.dropLast(suffix.count)), n >= 0, n.isFinite else { return nil }
            return .milliseconds(Int64((n * scale * 1000).rounded()))
        }
        guard let n = Double(t), n >= 0, n.isFinite else { return nil }
        return .milliseconds(Int64((n * 1000).rounded()))
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }

    /// The text cut into words, each with the whitespace that follows it (leading whitespace
    /// stays with the first word), so the pieces concatenate back to the text exactly.
    var wordChunks: [String] {
        var chunks: [String] = []
        var current = ""
        var inSpace = false
        for ch in self {
            if ch.isWhitespace {
                inSpace = true
                current.append(ch)
            } else {
                if inSpace, !current.isEmpty, current.contains(where: { !$0.isWhitespace }) {
                    chunks.append(current)
                    current = ""
                }
                inSpace = false
                current.append(ch)
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }
}

/// Sleeps unless the duration is zero; throws `CancellationError` when cancelled.
func pause(_ d: Duration) async throws {
    if d > .zero {
        try await Task.sleep(for: d)
    } else {
        try Task.checkCancellation()
    }
}

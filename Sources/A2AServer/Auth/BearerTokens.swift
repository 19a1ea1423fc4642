/// The bearer tokens an ``A2AServer`` accepts (`Authorization: Bearer <token>`).
///
/// The tokens are never printed: `description` and `debugDescription` only say how many there
/// are, so a configuration can be logged safely. ``accepts(_:)`` compares in constant time.
public struct BearerTokens: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let tokens: [[UInt8]]

    /// The accepted tokens; empty strings are dropped.
    public init(_ tokens: [String]) {
        self.tokens = tokens.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    /// Reads tokens from environment variables: each variable holds one token or several
    /// separated by commas (spaces around them are trimmed).
    /// - Throws: ``BearerTokens/MissingVariable`` for a variable that is unset or holds no token
    ///   (the error names the variable, never a value).
    public init(environmentVariables names: [String], environment: [String: String]) throws(MissingVariable) {
        var all: [String] = []
        for name in names {
            let values = (environment[name] ?? "").split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            guard !values.isEmpty else { throw MissingVariable(name: name, isSet: environment[name] != nil) }
            all += values
        }
        self.init(all)
    }

    /// The number of accepted tokens.
    public var count: Int { tokens.count }

    /// Whether `candidate` is one of the tokens. Every token is compared, over every byte of
    /// the longer of the two, without an early exit, so the time taken does not depend on
    /// where (or whether) a candidate matches.
    public func accepts(_ candidate: some Collection<UInt8>) -> Bool {
        let candidate = Array(candidate)
        var matched: UInt8 = 0
        for token in tokens {
            var difference = UInt(token.count ^ candidate.count)
            let n = max(token.count, candidate.count)
            for i in 0..<n {
                let a = i < token.count ? token[i] : 0
                let b = i < candidate.count ? candidate[i] : 0
                difference |= UInt(a ^ b)
            }
            matched |= difference == 0 ? 1 : 0
        }
        return matched != 0
    }

    public var description: String { "BearerTokens(\(tokens.count) token\(tokens.count == 1 ? "" : "s"), redacted)" }
    public var debugDescription: String { description }

    /// A `--auth-token-env` variable that is unset or empty.
    public struct MissingVariable: Error, CustomStringConvertible {
        /// The variable's name.
        public var name: String
        /// Whether it was set (to an empty or comma-only value).
        public var isSet: Bool

        public var description: String {
            isSet
                ? "the environment variable \(name) (from --auth-token-env) holds no token; set it to one or more comma-separated bearer tokens"
                : "the environment variable \(name) (from --auth-token-env) is not set; set it to one or more comma-separated bearer tokens"
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

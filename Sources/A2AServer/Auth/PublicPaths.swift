/// The paths anyone may `GET` (or `HEAD`) without a token when the server requires one.
///
/// An entry is an exact path (`/`), or a prefix when it ends in `*` (`/assets/*` matches
/// `/assets/app.js`). The agent card's paths are always public.
public struct PublicPaths: Sendable, Equatable {
    /// The card's paths, public on every server.
    public static let cardPaths = ["/.well-known/agent-card.json", "/.well-known/agent.json", "/agent.json", "/a2a/agent.json"]

    private let exact: Set<String>
    private let prefixes: [String]

    /// The card paths plus `entries`.
    public init(_ entries: [String]) {
        var exact = Set(Self.cardPaths)
        var prefixes: [String] = []
        for entry in entries {
            if entry.hasSuffix("*") { prefixes.append(String(entry.dropLast())) } else { exact.insert(entry) }
        }
        self.exact = exact
        self.prefixes = prefixes
    }

    /// Whether `path` (without the query) is public. Paths with `..` segments never match a prefix.
    public func contains(_ path: String) -> Bool {
        if exact.contains(path) { return true }
        guard !path.split(separator: "/").contains("..") else { return false }
        return prefixes.contains { path.hasPrefix($0) }
    }
}

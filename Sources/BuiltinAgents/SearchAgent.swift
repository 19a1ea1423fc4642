import A2A

/// Full-text search over a folder of text, Markdown and HTML files, ranked with BM25.
///
/// The input is the query. The output is one line per hit, best first, each line streamed as
/// soon as the ranking is done:
///
/// ```
/// <title> — <path relative to the corpus> — <best snippet>
/// ```
///
/// The title and snippet never contain ` — ` or a line break, so a downstream `for_each`
/// stage (`split: lines`) gets one hit per item, and ``SearchIndex/Hit/parse(_:)`` (used by
/// `summarize`) splits a line back into its three fields. Each chunk carries metadata
/// `rank`, `score`, `path` and `title`, and numeric `progress`.
///
/// The index is built on first use and kept in ``SearchIndexCache/shared``; every query
/// re-checks the files' modification times and sizes and rebuilds when anything changed.
public struct SearchAgent: AgentExecutor {
    /// The folder searched.
    public var corpus: String
    /// The most hits returned.
    public var top: Int
    /// File extensions indexed (without the dot).
    public var extensions: [String]
    /// The index cache.
    public var cache: SearchIndexCache

    /// The extensions indexed by default.
    public static let defaultExtensions = ["md", "markdown", "txt", "html", "htm"]

    public init(corpus: String, top: Int = 5, extensions: [String] = SearchAgent.defaultExtensions, cache: SearchIndexCache = .shared) {
        self.corpus = corpus
        self.top = top
        self.extensions = extensions
        self.cache = cache
    }

    public func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        let query = context.userInput.trimmingSpaces
        guard !query.isEmpty else {
            try await updater.requireInput("What should I search for?")
            return
        }
        try await updater.startWork("searching \(corpus)", progress: 0)
        let index: SearchIndex
        do {
            index = try await cache.index(folder: corpus, extensions: extensions)
        } catch let error as SearchError {
            try await updater.fail(error.description)
            return
        }
        let hits = index.search(query, top: top)
        guard !hits.isEmpty else {
            try await updater.complete("no document of \(index.documents.count) matches '\(query)'")
            return
        }
        for (i, hit) in hits.enumerated() {
            try await updater.addArtifact(
                text: hit.line + "\n", lastChunk: false,
                metadata: [
                    "rank": .number(Double(i + 1)), "score": .number((hit.score * 1000).rounded() / 1000),
                    "path": .string(hit.path), "title": .string(hit.title),
                    ProgressMetadata.key: .number(Double(i + 1) / Double(hits.count)),
                ])
        }
        try await updater.finishArtifact()
        try await updater.complete("\(hits.count) hits of \(index.documents.count) documents")
    }
}

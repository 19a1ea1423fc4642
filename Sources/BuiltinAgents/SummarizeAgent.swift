import A2A
import Foundation

/// Extractive summarization: the ``sentences`` most central sentences of the input (TF-IDF
/// centrality, near-duplicates skipped), streamed one sentence per chunk in their original
/// order, separated by spaces.
///
/// When the whole input is one `search` hit line (`title — path — snippet`), it summarizes
/// the **document** at that path instead, and the output starts with `title (path): `. The
/// path is resolved against ``corpus`` when set, else against the folders the `search` agents
/// of this process have indexed, else the current directory. So `search → for_each
/// summarize` gives one real summary per hit, one per line.
public struct SummarizeAgent: AgentExecutor {
    /// Sentences to keep.
    public var sentences: Int
    /// The folder search-hit paths are relative to; `nil` to use the folders `search` indexed.
    public var corpus: String?

    public init(sentences: Int = 3, corpus: String? = nil) {
        self.sentences = max(1, sentences)
        self.corpus = corpus
    }

    public func execute(_ context: RequestContext, updater: TaskUpdater) async throws {
        let input = context.userInput
        guard !input.trimmingSpaces.isEmpty else {
            try await updater.requireInput("What should I summarize?")
            return
        }
        try await updater.startWork("summarizing", progress: 0)
        var prefix = ""
        var text: String
        if let hit = SearchIndex.Hit.parse(input), let file = await resolve(hit.path) {
            guard let data = FileManager.default.contents(atPath: file) else {
                try await updater.fail("cannot read '\(file)'")
                return
            }
            let document = DocumentText(contents: String(decoding: data, as: UTF8.self), fileName: file)
            prefix = "\(document.title) (\(hit.path)): "
            text = document.prose
        } else {
            text = DocumentText.paragraphs(input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
        if text.trimmingSpaces.isEmpty { text = input }
        let summary = Summarizer.summarize(text, sentences: sentences)
        if !prefix.isEmpty { try await updater.addArtifact(text: prefix, lastChunk: false) }
        for (i, sentence) in summary.enumerated() {
            try Task.checkCancellation()
            try await updater.addArtifact(
                text: i + 1 < summary.count ? sentence + " " : sentence, lastChunk: false,
                metadata: [ProgressMetadata.key: .number(Double(i + 1) / Double(summary.count))])
        }
        try await updater.finishArtifact()
        try await updater.complete()
    }

    /// The file a hit's path names, if it exists.
    func resolve(_ path: String) async -> String? {
        var roots: [String] = []
        if let corpus { roots.append(corpus) }
        roots += await SearchIndexCache.shared.folders
        roots.append(FileManager.default.currentDirectoryPath)
        let candidates = path.hasPrefix("/") ? [path] : roots.map { $0 + "/" + path }
        var isDirectory: ObjCBool = false
        return candidates.first { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue }
    }
}

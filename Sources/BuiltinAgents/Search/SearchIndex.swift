#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A BM25 full-text index over a folder of text, Markdown and HTML files.
///
/// Terms come from ``TextAnalysis/terms(_:)``; a document's title counts
/// ``titleWeight`` times. Scores are Okapi BM25 (`k1` 1.2, `b` 0.75) with the
/// `ln(1 + (N - df + 0.5) / (df + 0.5))` idf, so every matching term adds a positive amount.
public struct SearchIndex: Sendable {
    /// One indexed file.
    public struct Document: Sendable {
        /// The path relative to the folder, with `/` separators.
        public var path: String
        /// The title (first heading, `<title>`, or file name).
        public var title: String
        /// The prose (text without code blocks), one paragraph per line: snippets come from it.
        var prose: String
        /// The number of terms, title included.
        var length: Int
    }

    /// One ranked result.
    public struct Hit: Sendable, Equatable {
        /// The path relative to the folder.
        public var path: String
        /// The document's title.
        public var title: String
        /// The BM25 score.
        public var score: Double
        /// The best sentence (or part of one) for the query, on one line.
        public var snippet: String

        /// The hit as one output line: `title — path — snippet`, where the title and snippet
        /// never contain ` — ` (it is replaced by ` - `) nor line breaks.
        public var line: String {
            "\(Self.field(title)) — \(path) — \(Self.field(snippet))"
        }

        static func field(_ text: String) -> String {
            DocumentText.oneLine(text).replacingOccurrences(of: " — ", with: " - ")
        }

        /// Parses a line written by ``line``: the title is before the first ` — `, the snippet
        /// after the last, the path in between.
        public static func parse(_ line: String) -> (title: String, path: String, snippet: String)? {
            let t = line.trimmingSpaces
            guard !t.contains("\n"), let first = t.range(of: " — "), let last = t.range(of: " — ", options: .backwards),
                first.upperBound <= last.lowerBound
            else { return nil }
            let path = String(t[first.upperBound..<last.lowerBound]).trimmingSpaces
            guard !path.isEmpty else { return nil }
            return (String(t[..<first.lowerBound]), path, String(t[last.upperBound...]))
        }
    }

    /// How many times a title's terms count.
    public static let titleWeight = 3
    static let k1 = 1.2
    static let b = 0.75

    /// The folder, as given.
    public let folder: String
    /// The indexed files, in path order.
    public let documents: [Document]
    /// The state of the files when indexed (path → modification time and size).
    let signature: FolderSignature
    let termIDs: [String: Int32]
    let postings: [[Posting]]
    let averageLength: Double

    struct Posting: Sendable {
        var document: Int32
        var frequency: Int32
    }

    /// Reads and indexes every file under `folder` whose extension is in `extensions`
    /// (case-insensitive), following no symbolic links to folders. Files are read and
    /// tokenised in parallel.
    public static func build(folder: String, extensions: [String]) async throws -> SearchIndex {
        let signature = try FolderSignature.scan(folder: folder, extensions: extensions)
        return try await build(folder: folder, signature: signature)
    }

    static func build(folder: String, signature: FolderSignature) async throws -> SearchIndex {
        let paths = signature.files.map(\.path)
        let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let slice = (paths.count + workers - 1) / max(workers, 1)
        // Each worker analyses a slice: documents plus their term counts.
        typealias Analysed = (doc: Document, counts: [String: Int32])
        var analysed = [[Analysed]](repeating: [], count: workers)
        try await withThrowingTaskGroup(of: (Int, [Analysed]).self) { group in
            for w in 0..<workers where w * slice < paths.count {
                let part = paths[(w * slice)..<min(paths.count, (w + 1) * slice)]
                group.addTask {
                    var out: [Analysed] = []
                    out.reserveCapacity(part.count)
                    for path in part {
                        try Task.checkCancellation()
                        let full = folder + "/" + path
                        guard let data = FileManager.default.contents(atPath: full) else { continue }
                        let text = String(decoding: data, as: UTF8.self)
                        let extracted = DocumentText(contents: text, fileName: path)
                        var counts: [String: Int32] = [:]
                        var length = 0
                        for term in TextAnalysis.terms(extracted.body) {
                            counts[term, default: 0] += 1
                            length += 1
                        }
                        for term in TextAnalysis.terms(extracted.title) {
                            counts[term, default: 0] += Int32(titleWeight)
                            length += titleWeight
                        }
                        out.append((Document(path: path, title: extracted.title, prose: extracted.prose, length: length), counts))
                    }
                    return (w, out)
                }
            }
            for try await (w, out) in group { analysed[w] = out }
        }
        var documents: [Document] = []
        var termIDs: [String: Int32] = [:]
        var postings: [[Posting]] = []
        var total = 0
        for part in analysed {
            for (doc, counts) in part {
                let id = Int32(documents.count)
                documents.append(doc)
                total += doc.length
                for (term, count) in counts {
                    if let t = termIDs[term] {
                        postings[Int(t)].append(Posting(document: id, frequency: count))
                    } else {
                        termIDs[term] = Int32(postings.count)
                        postings.append([Posting(document: id, frequency: count)])
                    }
                }
            }
        }
        return SearchIndex(
            folder: folder, documents: documents, signature: signature, termIDs: termIDs, postings: postings,
            averageLength: documents.isEmpty ? 1 : Double(total) / Double(documents.count))
    }

    init(folder: String, documents: [Document], signature: FolderSignature, termIDs: [String: Int32], postings: [[Posting]], averageLength: Double) {
        self.folder = folder
        self.documents = documents
        self.signature = signature
        self.termIDs = termIDs
        self.postings = postings
        self.averageLength = averageLength
    }

    /// The number of distinct terms.
    public var termCount: Int { postings.count }

    /// The `top` best documents for `query`, best first (ties broken by path), each with its
    /// best snippet. Documents that match no query term are never returned.
    public func search(_ query: String, top: Int) -> [Hit] {
        let queryTerms = Array(Set(TextAnalysis.terms(query)))
        guard top > 0, !queryTerms.isEmpty, !documents.isEmpty else { return [] }
        let n = Double(documents.count)
        var scores = [Double](repeating: 0, count: documents.count)
        var touched: [Int32] = []
        var idfs: [String: Double] = [:]
        for term in queryTerms {
            guard let id = termIDs[term] else { continue }
            let list = postings[Int(id)]
            let df = Double(list.count)
            let idf = log(1 + (n - df + 0.5) / (df + 0.5))
            idfs[term] = idf
            for p in list {
                let d = Int(p.document)
                let tf = Double(p.frequency)
                let norm = Self.k1 * (1 - Self.b + Self.b * Double(documents[d].length) / averageLength)
                if scores[d] == 0 { touched.append(p.document) }
                scores[d] += idf * tf * (Self.k1 + 1) / (tf + norm)
            }
        }
        let best = touched.sorted { a, b in
            let sa = scores[Int(a)], sb = scores[Int(b)]
            return sa != sb ? sa > sb : documents[Int(a)].path < documents[Int(b)].path
        }.prefix(top)
        return best.map { d in
            let doc = documents[Int(d)]
            return Hit(path: doc.path, title: doc.title, score: scores[Int(d)], snippet: Self.snippet(doc.prose, idfs: idfs))
        }
    }

    /// The prose sentence with the most query weight (distinct terms, weighted by idf), cut
    /// to about 200 characters around its first match; the first paragraph when no sentence
    /// matches (the match was in code or the title).
    static func snippet(_ body: String, idfs: [String: Double], limit: Int = 200) -> String {
        var best = ""
        var bestScore = 0.0
        for paragraph in body.split(separator: "\n") {
            // Cheap pre-check: sentence splitting only for paragraphs that match at all.
            let terms = Set(TextAnalysis.terms(String(paragraph)))
            guard idfs.keys.contains(where: terms.contains) else { continue }
            for sentence in DocumentText.sentences(String(paragraph)) {
                let st = Set(TextAnalysis.terms(sentence))
                var score = 0.0
                for (term, idf) in idfs where st.contains(term) { score += idf }
                // Prefer sentences of readable length.
                if sentence.count < 20 { score *= 0.5 }
                if score > bestScore {
                    bestScore = score
                    best = sentence
                }
            }
        }
        if best.isEmpty {
            best = body.split(separator: "\n").first.map(String.init) ?? ""
        }
        return trim(best, around: idfs, limit: limit)
    }

    /// Cuts `sentence` to about `limit` characters, keeping the first matching word in view.
    static func trim(_ sentence: String, around idfs: [String: Double], limit: Int) -> String {
        let words = sentence.split(separator: " ")
        guard sentence.count > limit else { return sentence }
        var first = 0
        for (i, w) in words.enumerated() where TextAnalysis.terms(String(w)).contains(where: { idfs[$0] != nil }) {
            first = i
            break
        }
        var start = max(0, first - 8)
        var out = words[start...].joined(separator: " ")
        while out.count > limit, start < first {
            start += 1
            out = words[start...].joined(separator: " ")
        }
        if out.count > limit {
            var cut = ""
            for w in words[start...] {
                if cut.count + w.count + 1 > limit { break }
                cut += cut.isEmpty ? String(w) : " " + w
            }
            out = cut + " …"
        }
        return (start > 0 ? "… " : "") + out
    }
}

/// The files of a folder with their modification times and sizes: an index is fresh while
/// this is unchanged.
struct FolderSignature: Sendable, Equatable {
    struct File: Sendable, Equatable {
        var path: String
        var modified: Int64
        var size: Int64
    }

    var files: [File]

    /// Lists the files under `folder` (recursively, skipping hidden entries) whose extension
    /// is one of `extensions`, sorted by path. Uses `readdir` and `stat` directly: checking a
    /// folder of 10,000 files this way takes milliseconds.
    static func scan(folder: String, extensions: [String]) throws -> FolderSignature {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SearchError.noFolder(folder)
        }
        let wanted = Set(extensions.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) })
        var files: [File] = []
        func walk(_ relative: String) {
            let path = relative.isEmpty ? folder : folder + "/" + relative
            guard let dir = opendir(path) else { return }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name.hasPrefix(".") { continue }
                let rel = relative.isEmpty ? name : relative + "/" + name
                var st = stat()
                guard stat(folder + "/" + rel, &st) == 0 else { continue }
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    // Do not follow a link to a folder (it could loop).
                    var lst = stat()
                    if lstat(folder + "/" + rel, &lst) == 0, (lst.st_mode & S_IFMT) == S_IFLNK { continue }
                    walk(rel)
                } else if (st.st_mode & S_IFMT) == S_IFREG {
                    let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
                    guard name.contains("."), wanted.contains(ext) else { continue }
                    #if canImport(Darwin)
                    let modified = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
                    #else
                    let modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
                    #endif
                    files.append(File(path: rel, modified: modified, size: Int64(st.st_size)))
                }
            }
        }
        walk("")
        files.sort { $0.path < $1.path }
        return FolderSignature(files: files)
    }
}

/// Why a search could not run.
public enum SearchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The corpus folder does not exist or is not a folder.
    case noFolder(String)

    public var description: String {
        switch self {
        case .noFolder(let path): "corpus folder '\(path)' does not exist or is not a folder"
        }
    }
}

/// The process-wide cache of search indexes, keyed by folder (absolute, standardized) and
/// extensions. Each use re-scans the folder's file list (mtime and size of every file) and
/// rebuilds the index when anything changed, was added or was removed; concurrent users of
/// the same folder share one build. With a `directory`, indexes are also kept on disk
/// (``SearchIndexFile``), so the next process starts with the index already built.
public actor SearchIndexCache {
    /// The cache every `search` agent in the process uses, kept on disk in
    /// `$A2A_PIPE_CACHE_DIR` (default `~/.cache/a2a-pipe`).
    public static let shared = SearchIndexCache(directory: SearchIndexFile.defaultDirectory)

    private let disk: SearchIndexFile?

    private var entries: [String: Task<SearchIndex, any Error>] = [:]
    private var order: [String] = []

    /// How many folders are kept (least recently used go first).
    public let capacity: Int

    /// A cache of up to `capacity` indexes in memory and, with a `directory`, every index on
    /// disk there too.
    public init(capacity: Int = 8, directory: String? = nil) {
        self.capacity = capacity
        disk = directory.map { SearchIndexFile(directory: $0) }
    }

    /// Folders indexed so far, most recent first (absolute paths).
    public var folders: [String] {
        order.reversed().compactMap { $0.split(separator: "\u{0}").first.map(String.init) }
    }

    /// How many indexes were built (for tests and benchmarks).
    public private(set) var builds = 0
    /// How many indexes were read from disk instead of built.
    public private(set) var loads = 0

    /// A fresh index of `folder`, built now or taken from the cache.
    public func index(folder: String, extensions: [String]) async throws -> SearchIndex {
        let absolute = Self.absolute(folder)
        let key = absolute + "\u{0}" + extensions.map { $0.lowercased() }.sorted().joined(separator: ",")
        let signature = try FolderSignature.scan(folder: absolute, extensions: extensions)
        if let task = entries[key], let index = try? await task.value, index.signature == signature {
            touch(key)
            return index
        }
        // (Re)build; a concurrent caller for the same key awaits the same task. The build is
        // shared, so it runs in its own task rather than in one caller's.
        let disk = self.disk
        let task = Task { () async throws -> SearchIndex in
            if let stored = disk?.load(key: key, folder: absolute, signature: signature) {
                await self.counted(loaded: true)
                return stored
            }
            await self.counted(loaded: false)
            let index = try await SearchIndex.build(folder: absolute, signature: signature)
            disk?.save(index, key: key)
            return index
        }
        entries[key] = task
        touch(key)
        while order.count > capacity {
            entries[order.removeFirst()] = nil
        }
        do {
            return try await task.value
        } catch {
            entries[key] = nil
            throw error
        }
    }

    private func counted(loaded: Bool) {
        if loaded { loads += 1 } else { builds += 1 }
    }

    private func touch(_ key: String) {
        order.removeAll { $0 == key }
        order.append(key)
    }

    static func absolute(_ path: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
        var s = url.standardizedFileURL.path
        while s.count > 1, s.hasSuffix("/") { s.removeLast() }
        return s
    }
}

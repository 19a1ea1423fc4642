#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A ``SearchIndex`` kept on disk, so that a second `a2a-pipe run` over the same corpus
/// queries at once instead of re-reading and re-tokenising every file.
///
/// One file per corpus folder and extension list, in ``SearchIndexFile/defaultDirectory``,
/// named after a hash of both. It holds the folder's ``FolderSignature`` (every file's path,
/// modification time and size): a stored index is used only while the folder's signature is
/// unchanged. Files are written to a temporary name and renamed into place, so two runs that
/// build at once never read a half-written index (the last rename wins; both are complete).
/// A file that cannot be read, is from another version or is damaged counts as missing.
///
/// The format is a small hand-written binary one (little-endian integers, length-prefixed
/// UTF-8 strings): none of the project's packages serialises binary data, and JSON through
/// Foundation would decode more slowly than the index builds.
struct SearchIndexFile {
    /// Where index files go: `$A2A_PIPE_CACHE_DIR`, else `$XDG_CACHE_HOME/a2a-pipe`, else
    /// `~/.cache/a2a-pipe`.
    static var defaultDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["A2A_PIPE_CACHE_DIR"], !dir.isEmpty { return dir }
        if let xdg = env["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/a2a-pipe" }
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + "/.cache/a2a-pipe"
    }

    static let magic: [UInt8] = Array("A2APIPE-SEARCH-2\n".utf8)

    /// The folder holding the files.
    let directory: String

    /// The file for an index key (folder and extensions).
    func path(forKey key: String) -> String {
        // FNV-1a, 64 bits: a stable name (Swift's Hasher is seeded per process).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return directory + "/search-" + String(hash, radix: 16) + ".index"
    }

    /// The stored index for `key`, if there is one and the folder still has `signature`.
    func load(key: String, folder: String, signature: FolderSignature) -> SearchIndex? {
        guard let data = FileManager.default.contents(atPath: path(forKey: key)) else { return nil }
        var reader = Reader(bytes: [UInt8](data))
        guard reader.take(Self.magic.count).map(Array.init) == Self.magic, reader.string() == key else { return nil }
        return reader.index(folder: folder, signature: signature)
    }

    /// Stores `index` for `key`; failures (a read-only cache folder, a full disk) are ignored:
    /// the cache only saves time.
    func save(_ index: SearchIndex, key: String) {
        var writer = Writer()
        writer.bytes.append(contentsOf: Self.magic)
        writer.string(key)
        index.write(to: &writer)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let final = path(forKey: key)
            let temporary = final + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(writer.bytes)) else { return }
            if rename(temporary, final) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
        } catch {
            return
        }
    }

    /// Appends little-endian values to a byte buffer.
    struct Writer {
        var bytes: [UInt8] = []

        mutating func int64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func int32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func double(_ v: Double) { int64(Int64(bitPattern: v.bitPattern)) }
        mutating func string(_ s: String) {
            int32(Int32(s.utf8.count))
            bytes.append(contentsOf: s.utf8)
        }
    }

    /// Reads what ``Writer`` wrote; every read is bounds-checked and `nil` past the end.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
            guard n >= 0, offset + n <= bytes.count else { return nil }
            defer { offset += n }
            return bytes[offset..<offset + n]
        }

        mutating func int64() -> Int64? {
            guard let s = take(8) else { return nil }
            return s.reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
        }

        mutating func int32() -> Int32? {
            guard let s = take(4) else { return nil }
            return Int32(bitPattern: s.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }

        mutating func count() -> Int? {
            guard let n = int32(), n >= 0 else { return nil }
            return Int(n)
        }

        mutating func double() -> Double? { int64().map { Double(bitPattern: UInt64(bitPattern: $0)) } }

        mutating func string() -> String? {
            guard let n = count(), let s = take(n) else { return nil }
            return String(decoding: s, as: UTF8.self)
        }

        mutating func signature() -> FolderSignature? {
            guard let n = count(), n <= bytes.count else { return nil }
            var files: [FolderSignature.File] = []
            files.reserveCapacity(n)
            for _ in 0..<n {
                guard let path = string(), let modified = int64(), let size = int64() else { return nil }
                files.append(.init(path: path, modified: modified, size: size))
            }
            return FolderSignature(files: files)
        }
    }
}

extension FolderSignature {
    func write(to writer: inout SearchIndexFile.Writer) {
        writer.int32(Int32(files.count))
        for file in files {
            writer.string(file.path)
            writer.int64(file.modified)
            writer.int64(file.size)
        }
    }
}

extension SearchIndex {
    func write(to writer: inout SearchIndexFile.Writer) {
        signature.write(to: &writer)
        writer.int32(Int32(documents.count))
        for doc in documents {
            writer.string(doc.path)
            writer.string(doc.title)
            writer.string(doc.prose)
            writer.int32(Int32(doc.length))
        }
        writer.double(averageLength)
        var terms = [String](repeating: "", count: postings.count)
        for (term, id) in termIDs { terms[Int(id)] = term }
        writer.int32(Int32(postings.count))
        for (id, list) in postings.enumerated() {
            writer.string(terms[id])
            writer.int32(Int32(list.count))
            for posting in list {
                writer.int32(posting.document)
                writer.int32(posting.frequency)
            }
        }
    }
}

extension SearchIndexFile.Reader {
    /// The rest of the file as an index (after the key and the signature check).
    mutating func index(folder: String, signature expected: FolderSignature) -> SearchIndex? {
        // The signature comes first: a stale file is refused before the rest is parsed.
        guard signature() == expected, let documentCount = count(), documentCount <= bytes.count else { return nil }
        var documents: [SearchIndex.Document] = []
        documents.reserveCapacity(documentCount)
        for _ in 0..<documentCount {
            guard let path = string(), let title = string(), let prose = string(), let length = int32() else { return nil }
            documents.append(.init(path: path, title: title, prose: prose, length: Int(length)))
        }
        guard let averageLength = double(), let termCount = count(), termCount <= bytes.count else { return nil }
        var termIDs: [String: Int32] = [:]
        termIDs.reserveCapacity(termCount)
        var postings: [[SearchIndex.Posting]] = []
        postings.reserveCapacity(termCount)
        for id in 0..<termCount {
            guard let term = string(), let n = count(), n <= documentCount else { return nil }
            var list: [SearchIndex.Posting] = []
            list.reserveCapacity(n)
            for _ in 0..<n {
                guard let document = int32(), let frequency = int32(), document >= 0, Int(document) < documentCount else { return nil }
                list.append(.init(document: document, frequency: frequency))
            }
            termIDs[term] = Int32(id)
            postings.append(list)
        }
        guard offset == bytes.count else { return nil }
        return SearchIndex(folder: folder, documents: documents, signature: expected, termIDs: termIDs, postings: postings, averageLength: averageLength)
    }
}

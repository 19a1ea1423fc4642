import Foundation

/// Lexical path handling for pipeline files and the files they nest.
enum PipelinePath {
    /// `path` relative to the directory of `includer` (unless `path` is absolute), normalized.
    static func resolve(_ path: String, relativeTo includer: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        let directory = (includer as NSString).deletingLastPathComponent
        return normalize(directory.isEmpty ? path : directory + "/" + path)
    }

    /// The absolute, normalized form of a path (the identity of a file).
    static func absolute(_ path: String, currentDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        normalize(path.hasPrefix("/") ? path : currentDirectory + "/" + path)
    }

    /// Removes `.` and `name/..` components without touching the file system.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", isAbsolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}

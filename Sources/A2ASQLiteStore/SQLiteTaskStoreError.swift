/// The SQLite task store could not be opened.
public enum SQLiteTaskStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or set up as a task store.
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the task store \(path): \(reason). Check that its folder exists and is writable and that no other program holds the file, or use --store memory"
        }
    }
}

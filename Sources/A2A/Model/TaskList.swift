/// One page of `ListTasks`.
public struct TaskList: Sendable, Equatable {
    /// The tasks on this page.
    public var tasks: [A2ATask]
    /// The token for the next page; `nil` on the last page.
    public var nextPageToken: String?
    /// The page size the server used.
    public var pageSize: Int?
    /// The total number of matching tasks, if the server says.
    public var totalSize: Int?

    /// Creates a page.
    public init(tasks: [A2ATask], nextPageToken: String? = nil, pageSize: Int? = nil, totalSize: Int? = nil) {
        self.tasks = tasks
        self.nextPageToken = nextPageToken
        self.pageSize = pageSize
        self.totalSize = totalSize
    }
}

/// What to ask for when listing tasks (A2A 1.0 `ListTasks`).
public struct ListTasksQuery: Sendable, Equatable {
    public var contextId: String?
    public var status: TaskState?
    public var pageSize: Int?
    public var pageToken: String?
    public var historyLength: Int?
    public var includeArtifacts: Bool?

    public init(contextId: String? = nil, status: TaskState? = nil, pageSize: Int? = nil, pageToken: String? = nil, historyLength: Int? = nil, includeArtifacts: Bool? = nil) {
        self.contextId = contextId
        self.status = status
        self.pageSize = pageSize
        self.pageToken = pageToken
        self.historyLength = historyLength
        self.includeArtifacts = includeArtifacts
    }
}

/// How a send should behave.
public struct SendConfiguration: Sendable, Equatable {
    /// Media types the client accepts.
    public var acceptedOutputModes: [String]
    /// How much history to return: `nil` server default, 0 none, n the last n.
    public var historyLength: Int?
    /// Return at once with the new task instead of waiting for a terminal or interrupted state
    /// (1.0 `returnImmediately`, 0.3 `blocking: false`).
    public var returnImmediately: Bool

    public init(acceptedOutputModes: [String] = [], historyLength: Int? = nil, returnImmediately: Bool = false) {
        self.acceptedOutputModes = acceptedOutputModes
        self.historyLength = historyLength
        self.returnImmediately = returnImmediately
    }
}

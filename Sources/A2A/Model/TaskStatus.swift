import Foundation

/// Where a task is, with an optional message from the agent (a question, a progress note, an error).
public struct TaskStatus: Sendable, Equatable {
    /// The state.
    public var state: TaskState
    /// A message from the agent about this state.
    public var message: Message?
    /// When the task entered this state.
    public var timestamp: Date?

    /// Creates a status.
    public init(state: TaskState, message: Message? = nil, timestamp: Date? = nil) {
        self.state = state
        self.message = message
        self.timestamp = timestamp
    }
}

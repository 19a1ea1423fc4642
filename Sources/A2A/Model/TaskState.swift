/// The state of a task.
///
/// `inputRequired` and `authRequired` are *interrupted* states: the stream closes and the
/// client continues the same task with a new message. `completed`, `failed`, `canceled` and
/// `rejected` are terminal.
public enum TaskState: String, Sendable, Equatable, CaseIterable {
    case submitted
    case working
    case inputRequired
    case authRequired
    case completed
    case failed
    case canceled
    case rejected
    /// Unspecified or not understood; treated as active.
    case unknown

    /// Reads any spelling peers use, ignoring case: `TASK_STATE_WORKING`, `working`,
    /// `input-required`, `input_required`, `cancelled`, python-a2a's `waiting` (= working).
    /// Anything else is `.unknown`.
    public init(lenient text: String) {
        var t = text.lowercased()
        if t.hasPrefix("task_state_") { t.removeFirst("task_state_".count) }
        switch t {
        case "submitted": self = .submitted
        case "working", "waiting": self = .working
        case "input-required", "input_required", "inputrequired": self = .inputRequired
        case "auth-required", "auth_required", "authrequired": self = .authRequired
        case "completed": self = .completed
        case "failed": self = .failed
        case "canceled", "cancelled": self = .canceled
        case "rejected": self = .rejected
        default: self = .unknown
        }
    }

    /// Completed, failed, canceled or rejected: nothing more will happen to the task.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .canceled, .rejected: true
        default: false
        }
    }

    /// Input-required or auth-required: the task waits for the client.
    public var isInterrupted: Bool {
        self == .inputRequired || self == .authRequired
    }

    /// Terminal or interrupted: a stream about this task ends after this state.
    public var endsStream: Bool { isTerminal || isInterrupted }

    /// The A2A 1.0 spelling, `TASK_STATE_WORKING`.
    public var v10Name: String {
        switch self {
        case .submitted: "TASK_STATE_SUBMITTED"
        case .working: "TASK_STATE_WORKING"
        case .inputRequired: "TASK_STATE_INPUT_REQUIRED"
        case .authRequired: "TASK_STATE_AUTH_REQUIRED"
        case .completed: "TASK_STATE_COMPLETED"
        case .failed: "TASK_STATE_FAILED"
        case .canceled: "TASK_STATE_CANCELED"
        case .rejected: "TASK_STATE_REJECTED"
        case .unknown: "TASK_STATE_UNSPECIFIED"
        }
    }

    /// The A2A 0.3 spelling, `working`, `input-required`.
    public var v03Name: String {
        switch self {
        case .submitted: "submitted"
        case .working: "working"
        case .inputRequired: "input-required"
        case .authRequired: "auth-required"
        case .completed: "completed"
        case .failed: "failed"
        case .canceled: "canceled"
        case .rejected: "rejected"
        case .unknown: "unknown"
        }
    }

    /// The python-a2a spelling: `waiting` for working (its clients reject `working`), no `rejected`.
    public var pythonA2AName: String {
        switch self {
        case .working: "waiting"
        case .rejected: "failed"
        case .authRequired: "input-required"
        default: v03Name
        }
    }
}

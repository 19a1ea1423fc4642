/// Who sent a message.
public enum Role: String, Sendable, Equatable, CaseIterable {
    case user
    case agent
    /// Not set, or a value we do not know (python-a2a's `system` reads as this).
    case unspecified

    /// Reads any spelling peers use: `ROLE_USER`, `user`, `User`, …; unknown values are `.unspecified`.
    public init(lenient text: String) {
        switch text.lowercased() {
        case "role_user", "user": self = .user
        case "role_agent", "agent": self = .agent
        default: self = .unspecified
        }
    }
}

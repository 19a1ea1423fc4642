/// The protocol dialects a2a-pipe speaks. The raw value is the name `--protocol` and
/// `protocol:` use.
public enum ProtocolDialect: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// A2A 1.0: ProtoJSON, PascalCase methods, `A2A-Version: 1.0`.
    case v1_0 = "a2a-1.0"
    /// A2A 0.3 (and 0.2): `kind`-tagged JSON, slash methods.
    case v0_3 = "a2a-0.3"
    /// The python-a2a 0.5 legacy dialect: `POST /stream`, `tasks/send`, `type`-tagged parts.
    case pythonA2A = "python-a2a"

    public var description: String { rawValue }

    /// The value of the `A2A-Version` header for this dialect, if it sends one.
    public var versionHeader: String? {
        switch self {
        case .v1_0: "1.0"
        case .v0_3: "0.3"
        case .pythonA2A: nil
        }
    }
}

/// The operations of the A2A protocol, independent of dialect.
public enum A2AOperation: String, Sendable, Equatable, CaseIterable {
    case send, stream, getTask, listTasks, cancelTask, subscribe, getExtendedCard

    /// The JSON-RPC method name in a dialect, or `nil` when the dialect has no such method.
    public func methodName(in dialect: ProtocolDialect) -> String? {
        switch (self, dialect) {
        case (.send, .v1_0): "SendMessage"
        case (.stream, .v1_0): "SendStreamingMessage"
        case (.getTask, .v1_0): "GetTask"
        case (.listTasks, .v1_0): "ListTasks"
        case (.cancelTask, .v1_0): "CancelTask"
        case (.subscribe, .v1_0): "SubscribeToTask"
        case (.getExtendedCard, .v1_0): "GetExtendedAgentCard"
        case (.send, .v0_3): "message/send"
        case (.stream, .v0_3): "message/stream"
        case (.getTask, .v0_3): "tasks/get"
        case (.cancelTask, .v0_3): "tasks/cancel"
        case (.subscribe, .v0_3): "tasks/resubscribe"
        case (.getExtendedCard, .v0_3): "agent/getAuthenticatedExtendedCard"
        case (.listTasks, .v0_3): nil
        case (.send, .pythonA2A): "tasks/send"
        case (.getTask, .pythonA2A): "tasks/get"
        case (.cancelTask, .pythonA2A): "tasks/cancel"
        case (.stream, .pythonA2A): "tasks/sendSubscribe"
        case (.listTasks, .pythonA2A), (.subscribe, .pythonA2A), (.getExtendedCard, .pythonA2A): nil
        }
    }

    /// The operation and dialect a JSON-RPC method name belongs to.
    public static func from(methodName: String) -> (A2AOperation, ProtocolDialect)? {
        for dialect in [ProtocolDialect.v1_0, .v0_3] {
            for op in A2AOperation.allCases where op.methodName(in: dialect) == methodName {
                return (op, dialect)
            }
        }
        return nil
    }
}

import A2A

/// A JSON-RPC method the server knows, and the generation it belongs to: PascalCase names
/// are A2A 1.0, slash names are A2A 0.3 (a2a-wire.md §2.2).
struct A2AMethod: Sendable, Equatable {
    enum Operation: Sendable, Equatable {
        case send, stream, getTask, listTasks, cancelTask, subscribe, extendedCard, pushConfig
    }

    var operation: Operation
    var dialect: ProtocolDialect

    init?(_ name: String) {
        switch name {
        case "SendMessage": self.init(.send, .v1_0)
        case "SendStreamingMessage": self.init(.stream, .v1_0)
        case "GetTask": self.init(.getTask, .v1_0)
        case "ListTasks": self.init(.listTasks, .v1_0)
        case "CancelTask": self.init(.cancelTask, .v1_0)
        case "SubscribeToTask": self.init(.subscribe, .v1_0)
        case "GetExtendedAgentCard": self.init(.extendedCard, .v1_0)
        case "CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig",
            "ListTaskPushNotificationConfigs", "DeleteTaskPushNotificationConfig":
            self.init(.pushConfig, .v1_0)
        case "message/send": self.init(.send, .v0_3)
        case "message/stream": self.init(.stream, .v0_3)
        case "tasks/get": self.init(.getTask, .v0_3)
        case "tasks/cancel": self.init(.cancelTask, .v0_3)
        case "tasks/resubscribe": self.init(.subscribe, .v0_3)
        case "agent/getAuthenticatedExtendedCard": self.init(.extendedCard, .v0_3)
        case "tasks/pushNotificationConfig/set", "tasks/pushNotificationConfig/get",
            "tasks/pushNotificationConfig/list", "tasks/pushNotificationConfig/delete":
            self.init(.pushConfig, .v0_3)
        default: return nil
        }
    }

    private init(_ operation: Operation, _ dialect: ProtocolDialect) {
        self.operation = operation
        self.dialect = dialect
    }

    /// Whether an `A2A-Version` value asks for 1.x (compared on major version; `1.0`, `1.1`
    /// and `1.0.1` do, absent or empty means 0.3).
    static func isVersion1(_ version: String?) -> Bool {
        guard let v = version?.filter({ $0 != " " }), !v.isEmpty else { return false }
        return v.split(separator: ".").first.flatMap { Int($0) } == 1
    }
}

/// A JSON-RPC error object, and the A2A error codes (a2a-wire.md §5).
public struct JSONRPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The code; clients branch on it.
    public var code: Int
    /// A short human-readable message.
    public var message: String
    /// Details of any shape (peers send arrays, strings, objects, `null`, or nothing).
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String {
        var s = "\(message) (JSON-RPC error \(code)"
        if let name = Self.name(of: code) { s += " \(name)" }
        s += ")"
        return s
    }

    // JSON-RPC 2.0
    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    // A2A
    public static let taskNotFoundCode = -32001
    public static let taskNotCancelableCode = -32002
    public static let pushNotificationNotSupportedCode = -32003
    public static let unsupportedOperationCode = -32004
    public static let contentTypeNotSupportedCode = -32005
    public static let invalidAgentResponseCode = -32006
    public static let extendedAgentCardNotConfiguredCode = -32007
    public static let extensionSupportRequiredCode = -32008
    public static let versionNotSupportedCode = -32009

    /// The spec's name of a code, and the 1.0 `ErrorInfo.reason`.
    public static func name(of code: Int) -> String? {
        info[code]?.name
    }

    /// The 1.0 `google.rpc.ErrorInfo` reason for an A2A error code (none for plain JSON-RPC codes
    /// other than invalid request / params / internal).
    public static func reason(of code: Int) -> String? {
        info[code]?.reason
    }

    private static let info: [Int: (name: String, reason: String?)] = [
        -32700: ("JSONParseError", nil),
        -32600: ("InvalidRequestError", "INVALID_REQUEST"),
        -32601: ("MethodNotFoundError", nil),
        -32602: ("InvalidParamsError", "INVALID_PARAMS"),
        -32603: ("InternalError", "UNKNOWN_ERROR"),
        -32001: ("TaskNotFoundError", "TASK_NOT_FOUND"),
        -32002: ("TaskNotCancelableError", "TASK_NOT_CANCELABLE"),
        -32003: ("PushNotificationNotSupportedError", "PUSH_NOTIFICATION_NOT_SUPPORTED"),
        -32004: ("UnsupportedOperationError", "UNSUPPORTED_OPERATION"),
        -32005: ("ContentTypeNotSupportedError", "CONTENT_TYPE_NOT_SUPPORTED"),
        -32006: ("InvalidAgentResponseError", "INVALID_AGENT_RESPONSE"),
        -32007: ("ExtendedAgentCardNotConfiguredError", "EXTENDED_AGENT_CARD_NOT_CONFIGURED"),
        -32008: ("ExtensionSupportRequiredError", "EXTENSION_SUPPORT_REQUIRED"),
        -32009: ("VersionNotSupportedError", "VERSION_NOT_SUPPORTED"),
    ]

    public static func parseError(_ message: String = "Parse error") -> JSONRPCError { .init(code: parseErrorCode, message: message) }
    public static func invalidRequest(_ message: String = "Invalid Request") -> JSONRPCError { .init(code: invalidRequestCode, message: message) }
    public static func methodNotFound(_ method: String) -> JSONRPCError { .init(code: methodNotFoundCode, message: "Method not found: \(method)") }
    public static func invalidParams(_ message: String) -> JSONRPCError { .init(code: invalidParamsCode, message: message) }
    public static func internalError(_ message: String) -> JSONRPCError { .init(code: internalErrorCode, message: message) }
    public static func taskNotFound(_ id: String) -> JSONRPCError { .init(code: taskNotFoundCode, message: "Task \(id) not found") }
    public static func taskNotCancelable(_ message: String) -> JSONRPCError { .init(code: taskNotCancelableCode, message: message) }
    public static func pushNotSupported() -> JSONRPCError { .init(code: pushNotificationNotSupportedCode, message: "Push notifications are not supported") }
    public static func unsupportedOperation(_ message: String) -> JSONRPCError { .init(code: unsupportedOperationCode, message: message) }
    public static func versionNotSupported(_ version: String) -> JSONRPCError {
        .init(code: versionNotSupportedCode, message: "A2A version '\(version)' is not supported by this handler. Expected version '1.0'.")
    }
}

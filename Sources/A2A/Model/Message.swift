/// One turn of a conversation between a client and an agent.
public struct Message: Sendable, Equatable {
    /// Unique id, chosen by the sender.
    public var messageId: String
    /// Who sent it.
    public var role: Role
    /// The content.
    public var parts: [Part]
    /// The conversation this belongs to.
    public var contextId: String?
    /// The task this continues or belongs to.
    public var taskId: String?
    /// Other tasks this refers to.
    public var referenceTaskIds: [String]
    /// URIs of extensions used in this message.
    public var extensions: [String]
    /// Free-form metadata.
    public var metadata: JSONObject?

    /// Creates a message.
    public init(
        messageId: String,
        role: Role,
        parts: [Part],
        contextId: String? = nil,
        taskId: String? = nil,
        referenceTaskIds: [String] = [],
        extensions: [String] = [],
        metadata: JSONObject? = nil
    ) {
        self.messageId = messageId
        self.role = role
        self.parts = parts
        self.contextId = contextId
        self.taskId = taskId
        self.referenceTaskIds = referenceTaskIds
        self.extensions = extensions
        self.metadata = metadata
    }

    /// A user message with one text part and a fresh id.
    public static func user(_ text: String, taskId: String? = nil, contextId: String? = nil) -> Message {
        Message(messageId: IDs.make(), role: .user, parts: [.text(text)], contextId: contextId, taskId: taskId)
    }

    /// The text of all text parts, concatenated.
    public var text: String { parts.joinedText }
}

/// An output of a task, built from one or more chunks.
public struct Artifact: Sendable, Equatable {
    /// Unique within the task; chunks with the same id belong to the same artifact.
    public var artifactId: String
    /// A human-readable name.
    public var name: String?
    /// A human-readable description.
    public var description: String?
    /// The content.
    public var parts: [Part]
    /// Free-form metadata.
    public var metadata: JSONObject?
    /// URIs of extensions used in this artifact.
    public var extensions: [String]

    /// Creates an artifact.
    public init(
        artifactId: String,
        name: String? = nil,
        description: String? = nil,
        parts: [Part],
        metadata: JSONObject? = nil,
        extensions: [String] = []
    ) {
        self.artifactId = artifactId
        self.name = name
        self.description = description
        self.parts = parts
        self.metadata = metadata
        self.extensions = extensions
    }

    /// The text of all text parts, concatenated.
    public var text: String { parts.joinedText }
}

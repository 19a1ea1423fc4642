import Foundation

/// One piece of a message or artifact: text, bytes, a link to a file, or structured data.
public struct Part: Sendable, Equatable {
    /// What the part carries.
    public enum Content: Sendable, Equatable {
        /// Text.
        case text(String)
        /// Inline bytes (base64 on the wire).
        case raw(Data)
        /// A URL to the content.
        case url(String)
        /// Any JSON value.
        case data(JSONValue)
    }

    /// The content.
    public var content: Content
    /// A file name, for file parts.
    public var filename: String?
    /// The media type (`text/plain`, `application/pdf`, …).
    public var mediaType: String?
    /// Free-form metadata.
    public var metadata: JSONObject?

    /// Creates a part.
    public init(_ content: Content, filename: String? = nil, mediaType: String? = nil, metadata: JSONObject? = nil) {
        self.content = content
        self.filename = filename
        self.mediaType = mediaType
        self.metadata = metadata
    }

    /// A text part.
    public static func text(_ text: String, metadata: JSONObject? = nil) -> Part {
        Part(.text(text), metadata: metadata)
    }

    /// The text, if this is a text part.
    public var text: String? {
        if case .text(let t) = content { return t }
        return nil
    }
}

extension Sequence where Element == Part {
    /// The text of all text parts, concatenated.
    public var joinedText: String {
        var out = ""
        for part in self {
            if let t = part.text { out += t }
        }
        return out
    }
}

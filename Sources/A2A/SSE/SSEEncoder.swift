import NIOCore

/// Writes Server-Sent Events with LF line ends.
///
/// LF only, never CRLF: python-a2a's clients split the stream on `"\n\n"` and see nothing in a
/// CRLF stream (a2a-wire.md §4.1). Data with newlines becomes several `data:` lines.
public enum SSEEncoder {
    /// Appends one event.
    public static func write(data: some Collection<UInt8>, event: String? = nil, id: String? = nil, into out: inout ByteBuffer) {
        if let event {
            out.writeString("event: ")
            out.writeString(event)
            out.writeInteger(UInt8(ascii: "\n"))
        }
        if let id {
            out.writeString("id: ")
            out.writeString(id)
            out.writeInteger(UInt8(ascii: "\n"))
        }
        var lineStart = data.startIndex
        var i = data.startIndex
        while i != data.endIndex {
            let byte = data[i]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                out.writeString("data: ")
                out.writeBytes(data[lineStart..<i])
                out.writeInteger(UInt8(ascii: "\n"))
                var next = data.index(after: i)
                if byte == UInt8(ascii: "\r"), next != data.endIndex, data[next] == UInt8(ascii: "\n") {
                    next = data.index(after: next)
                }
                lineStart = next
                i = next
            } else {
                i = data.index(after: i)
            }
        }
        out.writeString("data: ")
        out.writeBytes(data[lineStart..<data.endIndex])
        out.writeString("\n\n")
    }

    /// Appends one event whose data is a JSON value.
    public static func write(json: JSONValue, event: String? = nil, into out: inout ByteBuffer) {
        write(data: JSONWriter.bytes(json), event: event, into: &out)
    }

    /// Appends a comment line (a keep-alive): `: text\n\n`.
    public static func writeComment(_ text: String, into out: inout ByteBuffer) {
        out.writeString(": ")
        out.writeString(text)
        out.writeString("\n\n")
    }
}

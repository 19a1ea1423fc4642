/// A JSON value whose objects keep their key order, printed the same way on
/// every platform (used for the pipeline JSON Schema).
indirect enum SchemaJSON: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    case string(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case array([SchemaJSON])
    case object([(String, SchemaJSON)])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .integer(value) }
    init(booleanLiteral value: Bool) { self = .boolean(value) }

    static func == (lhs: SchemaJSON, rhs: SchemaJSON) -> Bool { lhs.pretty() == rhs.pretty() }
    func hash(into hasher: inout Hasher) { hasher.combine(pretty()) }

    /// Pretty-printed with two-space indentation and a trailing newline.
    func pretty() -> String {
        var output = ""
        write(to: &output, indent: 0)
        return output + "\n"
    }

    private func write(to output: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent)
        switch self {
        case .string(let text): output += Self.quote(text)
        case .integer(let value): output += String(value)
        case .number(let value): output += String(value)
        case .boolean(let value): output += value ? "true" : "false"
        case .array(let elements):
            if elements.isEmpty { output += "[]"; return }
            if elements.allSatisfy({ if case .string = $0 { true } else { false } }) {
                output += "[" + elements.map { $0.pretty().dropLast() }.joined(separator: ", ") + "]"
                return
            }
            output += "[\n"
            for (index, element) in elements.enumerated() {
                output += pad + "  "
                element.write(to: &output, indent: indent + 1)
                output += index == elements.count - 1 ? "\n" : ",\n"
            }
            output += pad + "]"
        case .object(let members):
            if members.isEmpty { output += "{}"; return }
            output += "{\n"
            for (index, (key, value)) in members.enumerated() {
                output += pad + "  " + Self.quote(key) + ": "
                value.write(to: &output, indent: indent + 1)
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            output += pad + "}"
        }
    }

    private static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 {
                    result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

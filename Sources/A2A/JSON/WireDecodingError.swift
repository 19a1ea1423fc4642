/// A wire value that could not be turned into the model, with the JSON path that failed.
///
/// The path is built only when decoding fails: each level adds its member name as the error
/// travels up, so the success path pays nothing for it.
public struct WireDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path components from the root, e.g. `["result", "task", "status", "state"]`; array
    /// indexes appear as `"[2]"`.
    public var components: [String]
    /// What is wrong.
    public var reason: String

    /// Creates an error at the current position.
    public init(_ reason: String, at components: [String] = []) {
        self.components = components
        self.reason = reason
    }

    /// The path in JSONPath notation: `$.result.task.status.state`.
    public var path: String {
        var out = "$"
        for component in components {
            if component.hasPrefix("[") {
                out += component
            } else {
                out += "." + component
            }
        }
        return out
    }

    public var description: String { "at \(path): \(reason)" }
}

/// Runs `body`, adding `component` to the front of the path of any ``WireDecodingError`` it throws.
@inline(__always)
func at<T>(_ component: String, _ body: () throws(WireDecodingError) -> T) throws(WireDecodingError) -> T {
    do {
        return try body()
    } catch {
        var error = error
        error.components.insert(component, at: 0)
        throw error
    }
}

/// Typed, lenient reads of an object's members, used by the wire decoders.
///
/// Lenient where peers differ: a missing member, `null`, `""` and `[]` all read as "absent"
/// for optional values. Strict about types where a value is present.
struct ObjectReader {
    let object: JSONObject

    init(_ value: JSONValue) throws(WireDecodingError) {
        guard case .object(let object) = value else {
            throw WireDecodingError("expected an object, got \(value.typeDescription)")
        }
        self.object = object
    }

    init(object: JSONObject) {
        self.object = object
    }

    func has(_ key: String) -> Bool {
        guard let value = object[key] else { return false }
        return !value.isNull
    }

    /// A required string member.
    func string(_ key: String) throws(WireDecodingError) -> String {
        guard let value = object[key], !value.isNull else {
            throw WireDecodingError("required member '\(key)' is missing")
        }
        return try at(key) { () throws(WireDecodingError) -> String in try Self.asString(value) }
    }

    /// An optional string member; `""` reads as absent.
    func optionalString(_ key: String) throws(WireDecodingError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        let s = try at(key) { () throws(WireDecodingError) -> String in try Self.asString(value) }
        return s.isEmpty ? nil : s
    }

    /// A string member that is present (even empty); `nil` only when absent or `null`.
    func presentString(_ key: String) throws(WireDecodingError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        return try at(key) { () throws(WireDecodingError) -> String in try Self.asString(value) }
    }

    /// The first of these members that is present, as a string.
    func firstString(_ keys: String...) throws(WireDecodingError) -> String? {
        for key in keys {
            if let s = try optionalString(key) { return s }
        }
        return nil
    }

    static func asString(_ value: JSONValue) throws(WireDecodingError) -> String {
        switch value {
        case .string(let s): return s
        case .number(let d):
            // A peer's number where a string belongs (an id): written as an integer when it is
            // one that fits, else as a double; never trapping on 1e400 (∞) or 1e20.
            guard d.isFinite else { throw WireDecodingError("expected a string, got a number out of range") }
            return d.rounded() == d && abs(d) < 9.0e15 ? String(Int64(d)) : String(d)
        default: throw WireDecodingError("expected a string, got \(value.typeDescription)")
        }
    }

    /// An optional boolean; accepts `"true"`/`"false"` strings too.
    func bool(_ key: String) throws(WireDecodingError) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        switch value {
        case .bool(let b): return b
        case .string(let s) where s.lowercased() == "true": return true
        case .string(let s) where s.lowercased() == "false": return false
        default: throw WireDecodingError("expected a boolean, got \(value.typeDescription)", at: [key])
        }
    }

    /// An optional integer; accepts integral doubles and numeric strings.
    func int(_ key: String) throws(WireDecodingError) -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        if let i = value.intValue { return i }
        if case .string(let s) = value, let i = Int(s) { return i }
        throw WireDecodingError("expected an integer, got \(value.typeDescription)", at: [key])
    }

    /// An optional object member.
    func optionalObject(_ key: String) throws(WireDecodingError) -> JSONObject? {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .object(let o) = value else {
            throw WireDecodingError("expected an object, got \(value.typeDescription)", at: [key])
        }
        return o
    }

    /// An optional array member, decoded element by element; absent reads as `[]`.
    func array<T>(_ key: String, _ element: (JSONValue) throws(WireDecodingError) -> T) throws(WireDecodingError) -> [T] {
        guard let value = object[key], !value.isNull else { return [] }
        guard case .array(let elements) = value else {
            throw WireDecodingError("expected an array, got \(value.typeDescription)", at: [key])
        }
        var out: [T] = []
        out.reserveCapacity(elements.count)
        for (i, e) in elements.enumerated() {
            do {
                out.append(try element(e))
            } catch {
                var error = error
                error.components.insert(contentsOf: [key, "[\(i)]"], at: 0)
                throw error
            }
        }
        return out
    }

    /// An optional array of strings.
    func strings(_ key: String) throws(WireDecodingError) -> [String] {
        try array(key) { v throws(WireDecodingError) in try Self.asString(v) }
    }

    /// Decodes a member with `body`, or returns `nil` when it is absent.
    func optional<T>(_ key: String, _ body: (JSONValue) throws(WireDecodingError) -> T) throws(WireDecodingError) -> T? {
        guard let value = object[key], !value.isNull else { return nil }
        return try at(key) { () throws(WireDecodingError) -> T in try body(value) }
    }

    /// Decodes a required member with `body`.
    func required<T>(_ key: String, _ body: (JSONValue) throws(WireDecodingError) -> T) throws(WireDecodingError) -> T {
        guard let value = object[key], !value.isNull else {
            throw WireDecodingError("required member '\(key)' is missing")
        }
        return try at(key) { () throws(WireDecodingError) -> T in try body(value) }
    }

    /// Metadata: an object, or absent. Any other shape is dropped rather than failing the event.
    func metadata(_ key: String = "metadata") -> JSONObject? {
        guard let value = object[key], case .object(let o) = value, !o.isEmpty else { return nil }
        return o
    }
}

import Foundation
import Testing

@testable import A2A

/// The captured wire samples in `Samples/` (copied from docs/a2a-wire.md).
enum Samples {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "sample \(name) is missing from the test bundle" }
    }

    static func url(_ name: String) throws -> URL {
        guard let dir = Bundle.module.url(forResource: "Samples", withExtension: nil) else { throw Missing(name: "Samples/") }
        let url = dir.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(name: name) }
        return url
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(name)))
    }

    static func json(_ name: String) throws -> JSONValue {
        try JSONParser().parse(bytes(name))
    }

    /// Every sample file name with this extension.
    static func names(withExtension ext: String) throws -> [String] {
        guard let dir = Bundle.module.url(forResource: "Samples", withExtension: nil) else { throw Missing(name: "Samples/") }
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix("." + ext) }.sorted()
    }

    /// The SSE events of a sample stream, fed whole.
    static func events(_ name: String) throws -> [SSEEvent] {
        try decodeSSE(bytes(name))
    }
}

/// Parses JSON text.
func json(_ text: String) throws -> JSONValue {
    try JSONParser().parse(text)
}

/// Writes a value with ``JSONWriter`` and parses the bytes back, as a peer would receive it.
func throughBytes(_ value: JSONValue) throws -> JSONValue {
    try JSONParser().parse(JSONWriter.bytes(value))
}

/// The `result` of a JSON-RPC response sample.
func result(of value: JSONValue) throws -> JSONValue {
    let response = try JSONRPCResponse.parse(value)
    return try response.outcome.get()
}

/// Decodes SSE bytes fed in one piece.
func decodeSSE(_ bytes: [UInt8], maxEventSize: Int = 16 * 1024 * 1024) throws -> [SSEEvent] {
    var decoder = SSEDecoder(maxEventSize: maxEventSize)
    decoder.push(bytes)
    var out: [SSEEvent] = []
    while let e = try decoder.next() { out.append(e) }
    decoder.finish()
    return out
}

/// Decodes SSE bytes fed in the given chunks, pulling events after each chunk.
func decodeSSE(chunks: [ArraySlice<UInt8>]) throws -> [SSEEvent] {
    var decoder = SSEDecoder()
    var out: [SSEEvent] = []
    for chunk in chunks {
        decoder.push(chunk)
        while let e = try decoder.next() { out.append(e) }
    }
    decoder.finish()
    while let e = try decoder.next() { out.append(e) }
    return out
}

/// A date from seconds since 1970.
func epoch(_ seconds: Double) -> Date {
    Date(timeIntervalSince1970: seconds)
}

/// Whether two instants are the same to the microsecond (the wire's finest precision).
func sameInstant(_ a: Date?, _ b: Date) -> Bool {
    guard let a else { return false }
    return abs(a.timeIntervalSince1970 - b.timeIntervalSince1970) < 0.000_001
}

/// Removes every `timestamp` member, recursively: our encoder writes milliseconds where peers
/// send microseconds, so shape comparisons look at timestamps separately.
func withoutTimestamps(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let o):
        var out = JSONObject()
        for (k, v) in o where k != "timestamp" { out.append(k, withoutTimestamps(v)) }
        return .object(out)
    case .array(let a):
        return .array(a.map(withoutTimestamps))
    default:
        return value
    }
}

/// Timestamps truncated to the millisecond, as a re-encoded model carries them.
func msPrecision(_ date: Date?) -> Date? {
    guard let date else { return nil }
    return Timestamp.parse(Timestamp.format(date))
}

func msPrecision(_ s: TaskStatus) -> TaskStatus {
    var s = s
    s.timestamp = msPrecision(s.timestamp)
    return s
}

func msPrecision(_ t: A2ATask) -> A2ATask {
    var t = t
    t.status = msPrecision(t.status)
    return t
}

func msPrecision(_ e: StreamResponse) -> StreamResponse {
    switch e {
    case .task(let t): return .task(msPrecision(t))
    case .message: return e
    case .statusUpdate(var u):
        u.status = msPrecision(u.status)
        return .statusUpdate(u)
    case .artifactUpdate: return e
    }
}

func msPrecision(_ r: SendMessageResult) -> SendMessageResult {
    switch r {
    case .task(let t): return .task(msPrecision(t))
    case .message: return r
    }
}

/// A small deterministic generator (SplitMix64), so fuzz tests are reproducible.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

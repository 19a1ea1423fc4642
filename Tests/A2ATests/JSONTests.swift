import Foundation
import Testing

@testable import A2A

/// JSONParser and JSONWriter.
@Suite("JSON parser and writer")
struct JSONTests {
    static func parseError(_ bytes: [UInt8], maxDepth: Int = 256) -> JSONParseError? {
        do {
            _ = try JSONParser(maxDepth: maxDepth).parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    static func parseError(_ text: String) -> JSONParseError? {
        parseError(Array(text.utf8))
    }

    // MARK: Strings

    @Test func allEscapes() throws {
        let v = try json(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\uD83D\uDE00\ud83d\ude00\u0000""#)
        #expect(v == .string("\"\\/\u{8}\u{C}\n\r\tAé€😀😀\u{0}"))
        // Raw non-ASCII passes through.
        #expect(try json("\"é€😀 ☃\"") == .string("é€😀 ☃"))
        // Escapes in the middle of plain text (the slow path keeps the prefix).
        #expect(try json(#""abc\ndef\u0021ghi""#) == .string("abc\ndef!ghi"))
        #expect(try json(#""""#) == .string(""))
        // DEL is not a control character.
        #expect(try json("\"\u{7F}\"") == .string("\u{7F}"))
    }

    @Test(arguments: [
        #""\ud83d""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""\ude00""#, #""\ud83d\ud83d""#, #""\ud83d\n""#,
        #""\x""#, #""\u12""#, #""\u12G4""#, #""\""#, #""abc"#, #""\u""#, #""\'""#,
    ])
    func badEscapesAreErrors(_ text: String) {
        #expect(Self.parseError(text) != nil, "\(text)")
    }

    @Test func controlCharactersMustBeEscaped() {
        for byte in UInt8(0)..<0x20 {
            #expect(Self.parseError([0x22, byte, 0x22]) != nil, "raw \(byte)")
            // Also after an escape (slow path).
            #expect(Self.parseError([0x22, 0x5C, 0x6E, byte, 0x22]) != nil, "raw \(byte) after an escape")
            let escaped = String(format: "\"\\u%04x\"", Int(byte))
            #expect((try? json(escaped)) == .string(String(UnicodeScalar(byte))))
        }
    }

    @Test func invalidUTF8IsRejected() {
        let bad: [[UInt8]] = [
            [0xFF],  // never valid
            [0xC3, 0x28],  // bad continuation
            [0xC0, 0xAF],  // overlong '/'
            [0xE0, 0x80, 0xAF],  // overlong
            [0xED, 0xA0, 0x80],  // UTF-16 surrogate encoded in UTF-8
            [0xF4, 0x90, 0x80, 0x80],  // beyond U+10FFFF
            [0xE2, 0x82],  // truncated
            [0x80],  // lone continuation
        ]
        for seq in bad {
            let plain = [0x22] + Array("ok".utf8) + seq + [0x22]
            let e = Self.parseError(plain)
            #expect(e != nil, "\(seq)")
            #expect(e?.offset == 1, "the error points at the string")
            let escaped = [0x22] + Array(#"\n"#.utf8) + seq + [0x22]
            #expect(Self.parseError(escaped) != nil, "\(seq) after an escape")
            // In a member name too.
            #expect(Self.parseError([0x7B, 0x22] + seq + [0x22, 0x3A, 0x31, 0x7D]) != nil)
        }
        // Valid multi-byte sequences of every length pass.
        #expect(Self.parseError([0x22, 0x24, 0xC2, 0xA2, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0x22]) == nil)
    }

    // MARK: Structure

    @Test func nestingBeyondMaxDepthIsAnError() throws {
        let ok = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(Self.parseError(ok) == nil)
        let tooDeep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        let e = try #require(Self.parseError(tooDeep))
        #expect(e.reason.contains("256"))
        #expect(e.offset == 256)
        // Hostile input far deeper than the stack could take: an error, not a crash.
        #expect(Self.parseError(String(repeating: "[", count: 200_000)) != nil)
        #expect(Self.parseError(String(repeating: #"{"a":"#, count: 100_000)) != nil)
        #expect(Self.parseError(String(repeating: #"[{"a":"#, count: 50_000)) != nil)
        // A custom limit.
        #expect(Self.parseError(Array(#"{"a":{"b":1}}"#.utf8), maxDepth: 2) == nil)
        #expect(Self.parseError(Array(#"{"a":{"b":[1]}}"#.utf8), maxDepth: 2) != nil)
        #expect(Self.parseError(Array("1".utf8), maxDepth: 0) == nil)
    }

    @Test(arguments: [
        "", " ", "{", "}", "[", "]", "[1,]", "[,1]", #"{"a":1,}"#, #"{"a"}"#, #"{"a":}"#, #"{a:1}"#, "{1:2}", "[1 2]", #"{"a":1 "b":2}"#,
        "tru", "truex", "nul", "nulll", "falsy", "True", "NULL", "'a'", "1 2", "[] []", "undefined", "\u{FEFF}1", "/*c*/1",
    ])
    func malformedDocuments(_ text: String) {
        #expect(Self.parseError(text) != nil, "\(text)")
    }

    @Test func literalsAndWhitespace() throws {
        #expect(try json(" \t\r\n true \n") == true)
        #expect(try json("false") == false)
        #expect(try json("null") == .null)
        #expect(try json(" [ 1 , { \"a\" : [ ] } , \"x\" ] ") == [1, ["a": []], "x"])
        #expect(try json("{}") == .object(JSONObject()))
        #expect(try json("[]") == .array([]))
    }

    // MARK: Numbers

    @Test func numbers() throws {
        let cases: [(String, Double)] = [
            ("0", 0), ("-0", -0.0), ("1", 1), ("-1", -1), ("42", 42), ("123456789012345", 123_456_789_012_345),
            ("-123456789012345", -123_456_789_012_345), ("9007199254740993", 9_007_199_254_740_992),
            ("12345678901234567890", 1.2345678901234567890e19), ("1e3", 1000), ("1E3", 1000), ("1e+3", 1000),
            ("1.5e-3", 0.0015), ("-2.5E2", -250), ("0.1", 0.1), ("3.14159", 3.14159), ("0e0", 0), ("-0.0", -0.0),
            ("1.7976931348623157e308", 1.7976931348623157e308), ("5e-324", Double.leastNonzeroMagnitude), ("100", 100), ("1.0", 1),
        ]
        for (text, value) in cases {
            #expect(try json(text) == .number(value), "\(text)")
            #expect(try json("[\(text)]") == [.number(value)], "\(text) in an array")
        }
        #expect(try json("-0").doubleValue?.sign == .minus)
        // Out of range stays a number rather than crashing.
        #expect(try json("1e400").doubleValue == .infinity)
        for bad in ["01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "--1", "0x10", "NaN", "Infinity", "-Infinity", "1.e3", "1e3.5", "- 1"] {
            #expect(Self.parseError(bad) != nil, "\(bad)")
        }
    }

    @Test func numberOutput() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (3, "3"), (3.0, "3"), (-42, "-42"), (1.5, "1.5"), (0.35, "0.35"), (-0.001, "-0.001"),
            (123_456_789_012_345, "123456789012345"), (999_999_999_999_999, "999999999999999"),
            (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
        ]
        for (value, text) in cases {
            #expect(JSONWriter.string(.number(value)) == text, "\(value)")
        }
        // Large and tiny numbers are written in a form the parser reads back exactly.
        for value in [1e15, 1e20, 1.5e300, -2e-7, Double.leastNonzeroMagnitude, 1.7976931348623157e308, 0.1 + 0.2, 9_007_199_254_740_992] {
            let text = JSONWriter.string(.number(value))
            #expect((try? json(text)) == .number(value), "\(value) → \(text)")
        }
        #expect(JSONWriter.string(["count": 42.0, "index": 0.0]) == #"{"count":42,"index":0}"#)
    }

    @Test func intValue() {
        #expect(JSONValue.number(50.0).intValue == 50)
        #expect(JSONValue.number(-3).intValue == -3)
        #expect(JSONValue.number(0.5).intValue == nil)
        #expect(JSONValue.number(1e16).intValue == nil)
        #expect(JSONValue.string("5").intValue == nil)
        #expect(JSONValue.number(.nan).intValue == nil)
    }

    // MARK: Writer

    @Test func stringEscapesOnOutput() throws {
        let s = "q\"b\\s/n\nr\rt\tc\u{1}\u{1F}\u{0}e\u{7F}é😀\u{2028}"
        let text = JSONWriter.string(.string(s))
        #expect(text == "\"q\\\"b\\\\s/n\\nr\\rt\\tc\\u0001\\u001f\\u0000e\u{7F}é😀\u{2028}\"")
        #expect(try json(text) == .string(s))
        // Every control character is escaped, so output never has raw bytes below 0x20.
        let controls = String(decoding: (UInt8(0)..<0x20).map { $0 }, as: UTF8.self)
        let written = JSONWriter.bytes(.string(controls))
        #expect(!written.contains { $0 < 0x20 })
        #expect(try JSONParser().parse(written) == .string(controls))
    }

    @Test func keyOrderIsPreserved() throws {
        let text = #"{"z":1,"a":{"y":[3,2,1],"b":null},"m":"x","0":true,"":false}"#
        let v = try json(text)
        #expect(v.objectValue?.keys == ["z", "a", "m", "0", ""])
        #expect(v["a"]?.objectValue?.keys == ["y", "b"])
        #expect(JSONWriter.string(v) == text)
        #expect(JSONWriter.bytes(v) == Array(text.utf8))
        // Equality ignores order.
        #expect(try json(#"{"a":1,"b":2}"#) == json(#"{"b":2,"a":1}"#))
        #expect(try json(#"{"a":1,"b":2}"#) != json(#"{"a":1,"b":3}"#))
        #expect(try json(#"{"a":1}"#) != json(#"{"a":1,"b":2}"#))
        #expect(try json("[1,2]") != json("[2,1]"))
    }

    @Test func objectMembers() throws {
        var o: JSONObject = ["a": 1, "b": 2]
        o["c"] = 3
        o["a"] = 10
        #expect(o.keys == ["a", "b", "c"])
        o["b"] = nil
        #expect(o.keys == ["a", "c"])
        #expect(o.count == 2)
        o.append("a", 20)
        #expect(o["a"] == 20, "the last of repeated names wins")
        let dup = try json(#"{"k":1,"k":2}"#)
        #expect(dup["k"] == 2)
        #expect(JSONWriter.string(dup) == #"{"k":1,"k":2}"#)
        #expect(JSONValue.array([1])["k"] == nil)
    }

    @Test func writeParseRoundTrip() throws {
        let value: JSONValue = [
            "s": "text with \"quotes\" and \\ and \n and ☃",
            "n": [0, -1, 2.5, 1e-10, 12_345_678],
            "b": [true, false],
            "z": nil,
            "o": ["nested": ["deeper": [[], [:], [[]]]]],
        ]
        #expect(try JSONParser().parse(JSONWriter.bytes(value)) == value)
        var buffer: [UInt8] = Array("prefix:".utf8)
        JSONWriter.write(value, into: &buffer)
        #expect(Array(buffer.prefix(7)) == Array("prefix:".utf8))
        #expect(try JSONParser().parse(buffer.dropFirst(7)) == value)
        // The parser accepts any collection of bytes, contiguous or not.
        let bytes = JSONWriter.bytes(value)
        let lazy = (0..<bytes.count).lazy.map { bytes[$0] }
        #expect(try JSONParser().parse(lazy) == value)
        #expect(try JSONParser().parse(JSONWriter.string(value)) == value)
    }

    @Test func accessors() throws {
        let v = try json(#"{"s":"x","n":1.5,"b":true,"a":[1],"o":{},"z":null}"#)
        #expect(v["s"]?.stringValue == "x")
        #expect(v["n"]?.doubleValue == 1.5)
        #expect(v["b"]?.boolValue == true)
        #expect(v["a"]?.arrayValue == [1])
        #expect(v["o"]?.objectValue?.isEmpty == true)
        #expect(v["z"]?.isNull == true)
        #expect(v["s"]?.doubleValue == nil)
        #expect(["null", "a boolean", "a number", "a string", "an array", "an object"] == [v["z"], v["b"], v["n"], v["s"], v["a"], v["o"]].map { $0?.typeDescription })
    }
}

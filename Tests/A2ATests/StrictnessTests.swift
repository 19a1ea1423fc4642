import Foundation
import Testing

@testable import A2A

/// JSON-RPC strictness and the JSON paths of decoding errors.
@Suite("Strictness and error paths")
struct StrictnessTests {
    // MARK: JSONRPCRequest.parse

    static func requestError(_ text: String) -> JSONRPCRequestError? {
        do {
            _ = try JSONRPCRequest.parse(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func validRequests() throws {
        let r = try JSONRPCRequest.parse(Array(#"{"jsonrpc":"2.0","id":"x","method":"message/send","params":{"a":1}}"#.utf8))
        #expect(r == JSONRPCRequest(id: "x", method: "message/send", params: ["a": 1]))
        let array = try JSONRPCRequest.parse(Array(#"{"jsonrpc":"2.0","id":1,"method":"m","params":[1,2]}"#.utf8))
        #expect(array.params == [1, 2])
        let noParams = try JSONRPCRequest.parse(Array(#"{"jsonrpc":"2.0","id":null,"method":"m"}"#.utf8))
        #expect(noParams.params == nil)
        #expect(noParams.id == .null)
        let nullParams = try JSONRPCRequest.parse(Array(#"{"jsonrpc":"2.0","method":"m","params":null}"#.utf8))
        #expect(nullParams.params == nil)
        #expect(nullParams.id == nil)  // a notification
        // Members in any order, unknown members ignored.
        let reordered = try JSONRPCRequest.parse(Array(#"{"params":{},"extra":true,"method":"m","id":2,"jsonrpc":"2.0"}"#.utf8))
        #expect(reordered.method == "m")
        // The request's own JSON parses back to it.
        #expect(try JSONRPCRequest.parse(JSONWriter.bytes(r.json)) == r)
    }

    @Test func batchIsRefused() {
        let e = Self.requestError(#"[{"jsonrpc":"2.0","id":1,"method":"m"},{"jsonrpc":"2.0","id":2,"method":"m"}]"#)
        #expect(e?.error.code == -32600)
        #expect(e?.id == .null)
        #expect(Self.requestError("[]")?.error.code == -32600)
    }

    @Test(arguments: ["1", #""text""#, "null", "true"])
    func nonObjectIsRefused(_ text: String) {
        let e = Self.requestError(text)
        #expect(e?.error.code == JSONRPCError.invalidRequestCode)
        #expect(e?.id == .null)
    }

    @Test(arguments: [
        (#"{"id":5,"method":"m"}"#, JSONValue.number(5)),
        (#"{"jsonrpc":"1.0","id":5,"method":"m"}"#, .number(5)),
        (#"{"jsonrpc":2.0,"id":"a","method":"m"}"#, .string("a")),
        (#"{"jsonrpc":"2.0 ","id":"a","method":"m"}"#, .string("a")),
        (#"{"jsonrpc":null,"method":"m"}"#, .null),
    ] as [(String, JSONValue)])
    func wrongOrMissingVersion(_ text: String, _ id: JSONValue) {
        let e = Self.requestError(text)
        #expect(e?.error.code == -32600)
        #expect(e?.id == id, "the id is echoed when it could be read")
    }

    @Test(arguments: [
        #"{"jsonrpc":"2.0","id":1}"#,
        #"{"jsonrpc":"2.0","id":1,"method":""}"#,
        #"{"jsonrpc":"2.0","id":1,"method":null}"#,
        #"{"jsonrpc":"2.0","id":1,"method":42}"#,
        #"{"jsonrpc":"2.0","id":1,"method":["m"]}"#,
        #"{"jsonrpc":"2.0","id":1,"method":{"name":"m"}}"#,
    ])
    func badMethod(_ text: String) {
        let e = Self.requestError(text)
        #expect(e?.error.code == -32600)
        #expect(e?.id == 1)
    }

    @Test(arguments: [#"true"#, #"{"a":1}"#, #"[1]"#])
    func badIdType(_ id: String) {
        let e = Self.requestError(#"{"jsonrpc":"2.0","id":\#(id),"method":"m"}"#)
        #expect(e?.error.code == -32600)
        #expect(e?.id == .null)
    }

    @Test(arguments: [#""str""#, "1", "true"])
    func badParamsType(_ params: String) {
        let e = Self.requestError(#"{"jsonrpc":"2.0","id":"p","method":"m","params":\#(params)}"#)
        #expect(e?.error.code == -32600)
        #expect(e?.id == "p")
    }

    @Test(arguments: [
        ("", 0), ("{", 1), (#"{"jsonrpc":"2.0","id":1,"method":"m""#, 36), ("{'a':1}", 1), (#"{"a" 1}"#, 5), ("[1,2,]", 5), ("nul", 0),
        (#"{"jsonrpc":"2.0"} x"#, 18),
    ])
    func parseErrorCarriesOffset(_ text: String, _ offset: Int) {
        let e = Self.requestError(text)
        #expect(e?.error.code == JSONRPCError.parseErrorCode)
        #expect(e?.id == .null)
        #expect(e?.error.message.hasSuffix("at byte \(offset)") == true, "\(e?.error.message ?? "no error")")
        // The same offset as the parser's own error.
        #expect(throws: JSONParseError.self) { try JSONParser().parse(text) }
        do {
            _ = try JSONParser().parse(text)
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
        }
    }

    @Test func invalidUTF8IsAParseError() {
        var bytes = Array(#"{"jsonrpc":"2.0","id":1,"method":"m"#.utf8)
        bytes += [0xFF, 0x22, 0x7D]
        do {
            _ = try JSONRPCRequest.parse(bytes)
            Issue.record("expected a parse error")
        } catch {
            #expect(error.error.code == -32700)
        }
    }

    // MARK: JSONRPCResponse.parse

    @Test func responseNeedsExactlyOneOfResultAndError() throws {
        #expect(throws: WireDecodingError.self) { try JSONRPCResponse.parse(json(#"{"jsonrpc":"2.0","id":1}"#)) }
        #expect(throws: WireDecodingError.self) {
            try JSONRPCResponse.parse(json(#"{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}}"#))
        }
        // A null result is a result.
        #expect(try JSONRPCResponse.parse(json(#"{"jsonrpc":"2.0","id":1,"result":null}"#)).outcome == .success(.null))
        let both = try #require(throws: WireDecodingError.self) {
            try JSONRPCResponse.parse(json(#"{"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":"m"}}"#))
        }
        #expect(both.path == "$")
    }

    @Test func responseEnvelopeErrors() throws {
        let notObject = try #require(throws: WireDecodingError.self) { try JSONRPCResponse.parse(json("[1]")) }
        #expect(notObject.path == "$")
        let version = try #require(throws: WireDecodingError.self) { try JSONRPCResponse.parse(json(#"{"jsonrpc":"1.0","result":1}"#)) }
        #expect(version.path == "$.jsonrpc")
        let missingVersion = try #require(throws: WireDecodingError.self) { try JSONRPCResponse.parse(json(#"{"result":1}"#)) }
        #expect(missingVersion.path == "$.jsonrpc")
        let errorShape = try #require(throws: WireDecodingError.self) { try JSONRPCResponse.parse(json(#"{"jsonrpc":"2.0","error":"boom"}"#)) }
        #expect(errorShape.path == "$.error")
        for code in [#""-32001""#, "1.5", "null", "[]"] {
            let badCode = try #require(throws: WireDecodingError.self) {
                try JSONRPCResponse.parse(json(#"{"jsonrpc":"2.0","error":{"code":\#(code),"message":"m"}}"#))
            }
            #expect(badCode.path == "$.error.code", "\(code)")
        }
        let missingCode = try #require(throws: WireDecodingError.self) { try JSONRPCResponse.parse(json(#"{"jsonrpc":"2.0","error":{"message":"m"}}"#)) }
        #expect(missingCode.path == "$.error.code")
    }

    // MARK: WireDecodingError paths

    static func decodingError(_ body: () throws -> Void) -> WireDecodingError? {
        do {
            try body()
            return nil
        } catch let error as WireDecodingError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func statusStatePaths() throws {
        let badState = try json(#"{"task":{"id":"t","contextId":"c","status":{"state":true}}}"#)
        let e = Self.decodingError { _ = try WireDecoder.streamResponse(badState) }
        #expect(e?.path == "$.task.status.state")
        #expect(e?.components == ["task", "status", "state"])
        #expect(e?.reason == "expected a string, got a boolean")
        #expect(e?.description == "at $.task.status.state: expected a string, got a boolean")
        // Decoding a response's result, the caller prefixes `result`.
        let inResult = Self.decodingError { _ = try at("result") { () throws(WireDecodingError) in try WireDecoder.streamResponse(badState) } }
        #expect(inResult?.path == "$.result.task.status.state")
        // Also for an object state, a 0.3 status event, and a statusUpdate wrapper.
        let objectState = try json(#"{"kind":"status-update","taskId":"t","contextId":"c","status":{"state":{"v":1}}}"#)
        #expect(Self.decodingError { _ = try WireDecoder.streamResponse(objectState) }?.path == "$.status.state")
        let wrapped = try json(#"{"statusUpdate":{"taskId":"t","contextId":"c","status":{"state":["working"]}}}"#)
        #expect(Self.decodingError { _ = try WireDecoder.streamResponse(wrapped) }?.path == "$.statusUpdate.status.state")
        let statusNotObject = try json(#"{"id":"t","status":"working"}"#)
        #expect(Self.decodingError { _ = try WireDecoder.task(statusNotObject) }?.path == "$.status")
    }

    @Test func arrayIndexPaths() throws {
        let badPart = try json(#"{"id":"t","contextId":"c","status":{"state":"working"},"artifacts":[{"artifactId":"a","parts":[{"text":"ok"}]},{"artifactId":"b","parts":[{"filename":"f"}]}]}"#)
        let e = Self.decodingError { _ = try WireDecoder.task(badPart) }
        #expect(e?.path == "$.artifacts[1].parts[0]")
        #expect(e?.components == ["artifacts", "[1]", "parts", "[0]"])

        let badBase64 = try json(#"{"task":{"id":"t","status":{},"history":[{"messageId":"m","role":"user","parts":[{"text":"a"},{"text":"b"},{"raw":"!!!"}]}]}}"#)
        #expect(Self.decodingError { _ = try WireDecoder.streamResponse(badBase64) }?.path == "$.task.history[0].parts[2].raw")

        let bad03File = try json(#"{"kind":"task","id":"t","contextId":"c","status":{"state":"working"},"artifacts":[{"artifactId":"a","parts":[{"kind":"file","file":{"bytes":"%%%%"}}]}]}"#)
        #expect(Self.decodingError { _ = try WireDecoder.streamResponse(bad03File) }?.path == "$.artifacts[0].parts[0].file.bytes")

        let fileNotObject = try json(#"{"kind":"file","file":"x"}"#)
        #expect(Self.decodingError { _ = try WireDecoder.part(fileNotObject) }?.path == "$.file")

        let statusMessage = try json(#"{"id":"t","status":{"state":"failed","message":{"messageId":"m","role":"agent","parts":[7]}}}"#)
        let sm = Self.decodingError { _ = try WireDecoder.task(statusMessage) }
        #expect(sm?.path == "$.status.message.parts[0]")
        #expect(sm?.reason == "expected an object, got a number")

        let partsNotArray = try json(#"{"artifactUpdate":{"taskId":"t","artifact":{"artifactId":"a","parts":{"text":"x"}}}}"#)
        #expect(Self.decodingError { _ = try WireDecoder.streamResponse(partsNotArray) }?.path == "$.artifactUpdate.artifact.parts")

        let appendNotBool = try json(#"{"artifactUpdate":{"taskId":"t","artifact":{"artifactId":"a","parts":[]},"append":"yes"}}"#)
        #expect(Self.decodingError { _ = try WireDecoder.streamResponse(appendNotBool) }?.path == "$.artifactUpdate.append")

        let list = try json(#"{"tasks":[{"id":"t1","status":{}},{"id":"t2","status":{"state":false}}]}"#)
        #expect(Self.decodingError { _ = try WireDecoder.taskList(list) }?.path == "$.tasks[1].status.state")

        let refIds = try json(#"{"messageId":"m","role":"user","parts":[],"referenceTaskIds":["a",{"b":1}]}"#)
        #expect(Self.decodingError { _ = try WireDecoder.message(refIds) }?.path == "$.referenceTaskIds[1]")
    }

    @Test func requiredMembers() throws {
        let noId = Self.decodingError { _ = try WireDecoder.task(["status": ["state": "working"]]) }
        #expect(noId?.path == "$")
        #expect(noId?.reason == "required member 'id' is missing")
        let noStatus = Self.decodingError { _ = try WireDecoder.streamResponse(["statusUpdate": ["taskId": "t", "status": nil]]) }
        #expect(noStatus?.path == "$.statusUpdate")
        #expect(noStatus?.reason == "required member 'status' is missing")
        let noArtifact = Self.decodingError { _ = try WireDecoder.artifactUpdate(["taskId": "t"]) }
        #expect(noArtifact?.reason == "required member 'artifact' is missing")
        let noMessage = Self.decodingError { _ = try WireDecoder.sendParams(["configuration": [:]]) }
        #expect(noMessage?.reason == "required member 'message' is missing")
        let notObject = Self.decodingError { _ = try WireDecoder.message("text") }
        #expect(notObject?.reason == "expected an object, got a string")
    }

    @Test func requestAndCardPaths() throws {
        let history = try json(#"{"message":{"messageId":"m","role":"user","parts":[{"text":"x"}]},"configuration":{"historyLength":1.5}}"#)
        #expect(Self.decodingError { _ = try WireDecoder.sendParams(history) }?.path == "$.configuration.historyLength")
        let badPart = try json(#"{"message":{"messageId":"m","role":"user","parts":[{"text":"x"},{}]}}"#)
        #expect(Self.decodingError { _ = try WireDecoder.sendParams(badPart) }?.path == "$.message.parts[1]")
        let streaming = try json(#"{"name":"n","capabilities":{"streaming":"maybe"}}"#)
        #expect(Self.decodingError { _ = try WireDecoder.agentCard(streaming) }?.path == "$.capabilities.streaming")
        let tags = try json(#"{"name":"n","skills":[{"id":"s","tags":["a",{}]}]}"#)
        #expect(Self.decodingError { _ = try WireDecoder.agentCard(tags) }?.path == "$.skills[0].tags[1]")
        let iface = try json(#"{"name":"n","supportedInterfaces":[{"url":"u","protocolVersion":"1.0"},{"protocolVersion":"1.0"}]}"#)
        let ie = Self.decodingError { _ = try WireDecoder.agentCard(iface) }
        #expect(ie?.path == "$.supportedInterfaces[1]")
        #expect(ie?.reason == "required member 'url' is missing")
        let ext = try json(#"{"name":"n","capabilities":{"extensions":[{"uri":"u","required":"no"}]}}"#)
        #expect(Self.decodingError { _ = try WireDecoder.agentCard(ext) }?.path == "$.capabilities.extensions[0].required")
        let caps = try json(#"{"name":"n","capabilities":[]}"#)
        #expect(Self.decodingError { _ = try WireDecoder.agentCard(caps) }?.path == "$.capabilities")
    }

    @Test func numericStateIsReadAsUnknown() throws {
        // ProtoJSON allows enum numbers; the decoder reads any number as an unknown state
        // rather than failing (see the report: numbers are not mapped to proto values).
        #expect(try WireDecoder.status(json(#"{"state":3}"#)).state == .unknown)
    }
}

import Foundation
import Testing

@testable import A2A

/// a2a-wire.md §3.3: what the decoder accepts from peers.
@Suite("Decoder leniency")
struct LeniencyTests {
    // MARK: Unknown and empty members

    @Test func unknownFieldsAreIgnored() throws {
        let t = try WireDecoder.task(json("""
            {"id":"t","contextId":"c","status":{"state":"working","x-extra":{"deep":[1]},"timestamp":"2026-11-24T23:28:23Z"},
             "futureField":[1,2,3],"kind":"task","artifacts":[{"artifactId":"a","parts":[{"text":"x","newThing":true}],"zzz":null}]}
            """))
        #expect(t.id == "t")
        #expect(t.status.state == .working)
        #expect(t.artifacts[0].parts == [.text("x")])
        let card = try WireDecoder.agentCard(json(#"{"name":"n","signatures":[{"x":1}],"capabilities":{"streaming":true,"newCap":1},"url":"http://h"}"#))
        #expect(card.name == "n")
        #expect(card.capabilities.streaming == true)
    }

    @Test(arguments: ["", #","contextId":null,"taskId":null,"referenceTaskIds":null,"extensions":null,"metadata":null"#,
                      #","contextId":"","taskId":"","referenceTaskIds":[],"extensions":[],"metadata":{}"#])
    func absentNullEmptyAreAlike(_ members: String) throws {
        let m = try WireDecoder.message(json(#"{"messageId":"m","role":"user","parts":[{"text":"x"}]"# + members + "}"))
        #expect(m == Message(messageId: "m", role: .user, parts: [.text("x")]))
    }

    @Test func sdk13EmptyPartMembersReadAsAbsent() throws {
        // sdk13's ListTasks emits "filename":"","mediaType":"","extensions":[].
        let p = try WireDecoder.part(json(#"{"text":"x","filename":"","mediaType":"","metadata":null}"#))
        #expect(p == .text("x"))
        let a = try WireDecoder.artifact(json(#"{"artifactId":"a","name":"","description":null,"parts":[{"text":"x"}],"extensions":[]}"#))
        #expect(a == Artifact(artifactId: "a", parts: [.text("x")]))
        for history in ["", #","history":null"#, #","history":[]"#, #","artifacts":null,"metadata":null"#] {
            let t = try WireDecoder.task(json(#"{"id":"t","contextId":"c","status":{"state":"completed"}"# + history + "}"))
            #expect(t.history.isEmpty && t.artifacts.isEmpty && t.metadata == nil)
        }
        let u = try WireDecoder.artifactUpdate(json(#"{"taskId":"t","contextId":"c","artifact":{"artifactId":"a","parts":[{"text":""}]},"append":null,"lastChunk":null}"#))
        #expect(u.append == false && u.lastChunk == false)
        // Metadata of another shape is dropped rather than failing the event.
        let m = try WireDecoder.message(json(#"{"messageId":"m","role":"user","parts":[],"metadata":"oops"}"#))
        #expect(m.metadata == nil)
        // A status without a timestamp, or with one we cannot read, has none.
        #expect(try WireDecoder.status(json(#"{"state":"working","timestamp":"yesterday"}"#)).timestamp == nil)
        #expect(try WireDecoder.status(json(#"{"state":"working","timestamp":""}"#)).timestamp == nil)
    }

    // MARK: Enums

    static let stateSpellings: [(String, TaskState)] = [
        ("TASK_STATE_SUBMITTED", .submitted), ("submitted", .submitted), ("Submitted", .submitted), ("task_state_submitted", .submitted),
        ("TASK_STATE_WORKING", .working), ("working", .working), ("WORKING", .working), ("waiting", .working), ("Waiting", .working),
        ("TASK_STATE_INPUT_REQUIRED", .inputRequired), ("input-required", .inputRequired), ("input_required", .inputRequired),
        ("INPUT_REQUIRED", .inputRequired), ("Input-Required", .inputRequired), ("inputRequired", .inputRequired),
        ("TASK_STATE_AUTH_REQUIRED", .authRequired), ("auth-required", .authRequired), ("auth_required", .authRequired), ("AUTH-REQUIRED", .authRequired),
        ("TASK_STATE_COMPLETED", .completed), ("completed", .completed), ("Completed", .completed),
        ("TASK_STATE_FAILED", .failed), ("failed", .failed), ("FAILED", .failed),
        ("TASK_STATE_CANCELED", .canceled), ("TASK_STATE_CANCELLED", .canceled), ("canceled", .canceled), ("cancelled", .canceled), ("Cancelled", .canceled),
        ("TASK_STATE_REJECTED", .rejected), ("rejected", .rejected),
        ("TASK_STATE_UNSPECIFIED", .unknown), ("unknown", .unknown), ("", .unknown), ("paused", .unknown), ("TASK_STATE_PAUSED", .unknown), ("work ing", .unknown),
    ]

    @Test func everyStateSpelling() throws {
        for (text, state) in Self.stateSpellings {
            #expect(TaskState(lenient: text) == state, "\(text)")
            // The same inside a status, in either kind of object.
            let status = try WireDecoder.status(["state": .string(text)])
            #expect(status.state == state, "\(text)")
        }
        // Each state reads back from all three of our spellings.
        for state in TaskState.allCases {
            #expect(TaskState(lenient: state.v10Name) == state)
            #expect(TaskState(lenient: state.v03Name) == state)
        }
        #expect(TaskState(lenient: TaskState.working.pythonA2AName) == .working)
        // A missing state is unknown, not an error.
        #expect(try WireDecoder.status([:]).state == .unknown)
        #expect(try WireDecoder.status(["state": nil]).state == .unknown)
    }

    @Test func stateClasses() {
        #expect(TaskState.allCases.filter(\.isTerminal) == [.completed, .failed, .canceled, .rejected])
        #expect(TaskState.allCases.filter(\.isInterrupted) == [.inputRequired, .authRequired])
        #expect(TaskState.allCases.filter(\.endsStream).count == 6)
        #expect(!TaskState.unknown.endsStream)
    }

    @Test func everyRoleSpelling() throws {
        let cases: [(String, Role)] = [
            ("ROLE_USER", .user), ("user", .user), ("User", .user), ("USER", .user), ("role_user", .user),
            ("ROLE_AGENT", .agent), ("agent", .agent), ("Agent", .agent),
            ("ROLE_UNSPECIFIED", .unspecified), ("system", .unspecified), ("", .unspecified),
        ]
        for (text, role) in cases {
            #expect(Role(lenient: text) == role, "\(text)")
            #expect(try WireDecoder.message(["messageId": "m", "role": .string(text), "parts": []]).role == role, "\(text)")
        }
        #expect(try WireDecoder.message(["messageId": "m", "parts": []]).role == .unspecified)
    }

    @Test func mixedDialectsInOneObject() throws {
        // A 1.0-shaped task with 0.3 spellings and a 0.3 part, as peers mix them.
        let t = try WireDecoder.task(json("""
            {"id":"t","contextId":"c","status":{"state":"input_required","message":{"messageId":"m","role":"agent","parts":[{"kind":"text","text":"?"}]}},
             "history":[{"messageId":"h","role":"ROLE_USER","parts":[{"text":"hi"},{"kind":"text","text":"!"}]}]}
            """))
        #expect(t.status.state == .inputRequired)
        #expect(t.status.message?.text == "?")
        #expect(t.history[0].role == .user)
        #expect(t.history[0].text == "hi!")
    }

    // MARK: Timestamps

    static let base = 1_795_562_903.0  // 2026-11-24T23:28:23Z

    static let timestamps: [(String, Double)] = [
        ("2026-11-24T23:28:23Z", base),
        ("2026-11-24T23:28:23z", base),
        ("2026-11-24t23:28:23Z", base),
        ("2026-11-24T23:28:23+00:00", base),
        ("2026-11-24T23:28:23-00:00", base),
        ("2026-11-24T23:28:23+0000", base),
        ("2026-11-24T18:28:23-05:00", base),
        ("2026-11-24T18:28:23-0500", base),
        ("2026-11-25T04:58:23+05:30", base),
        ("2026-11-25T04:58:23+0530", base),
        ("2026-11-24T23:28:23", base),
        ("2026-11-24 23:28:23", base),
        ("2026-11-24 23:28:23Z", base),
        ("2026-11-24T23:28:23.4Z", base + 0.4),
        ("2026-11-24T23:28:23.43Z", base + 0.43),
        ("2026-11-24T23:28:23.436Z", base + 0.436),
        ("2026-11-24T23:28:23.4360Z", base + 0.436),
        ("2026-11-24T23:28:23.43603Z", base + 0.43603),
        ("2026-11-24T23:28:23.436031Z", base + 0.436031),
        ("2026-11-24T23:28:23.4360312Z", base + 0.4360312),
        ("2026-11-24T23:28:23.43603125Z", base + 0.43603125),
        ("2026-11-24T23:28:23.436031256Z", base + 0.436031256),
        ("2026-11-24T23:36:25.823279+00:00", 1_795_563_385.823279),  // sdk03
        ("2026-11-24T23:35:09.610988", 1_795_563_309.610988),  // python-a2a, no zone
        ("2026-11-24 23:35:09.610988", 1_795_563_309.610988),
        ("2026-11-24T23:28:23,5Z", base + 0.5),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59Z", -1),
        ("2000-02-29T12:00:00Z", 951_825_600),
        ("2024-12-31T23:59:59.999Z", 1_735_689_599.999),
    ]

    @Test func timestampFormats() throws {
        for (text, seconds) in Self.timestamps {
            let date = Timestamp.parse(text)
            #expect(date != nil, "\(text)")
            if let date {
                #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_001, "\(text): \(date.timeIntervalSince1970) != \(seconds)")
            }
            // The same, read from a status.
            #expect(sameInstant(try WireDecoder.status(["state": "working", "timestamp": .string(text)]).timestamp, epoch(seconds)), "\(text)")
        }
    }

    @Test func badTimestampsAreNil() {
        for text in ["", "2026-11-24", "2026-11-24T23:28", "2026-11-24T23:28:23.", "2026-11-24T23:28:23.Z", "2026-13-01T00:00:00Z",
                     "2026-11-24T24:00:00Z", "2026-11-24T23:60:00Z", "2026-11-24X23:28:23Z", "2026-11-24T23:28:23+5", "2026-11-24T23:28:23 Z",
                     "2026-11-24T23:28:23Zjunk", "26-11-24T23:28:23Z", "now", "2026-11-24T23:28:23+05:3"] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
    }

    @Test func timestampOutputIsUTCWithMilliseconds() throws {
        #expect(Timestamp.format(epoch(Self.base)) == "2026-11-24T23:28:23.000Z")
        #expect(Timestamp.format(epoch(Self.base + 0.436031)) == "2026-11-24T23:28:23.436Z")
        #expect(Timestamp.format(epoch(0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(epoch(-0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(Timestamp.format(epoch(951_825_600)) == "2000-02-29T12:00:00.000Z")
        #expect(Timestamp.format(try #require(Timestamp.parse("2026-11-24T18:28:23.25-05:00"))) == "2026-11-24T23:28:23.250Z")
        let formatted = Timestamp.format(.now)
        #expect(formatted.count == 24)
        #expect(formatted.hasSuffix("Z"))
    }

    @Test func millisecondTimestampsSurviveParseAndFormat() {
        // Every millisecond of one second in 2026.
        for ms in 0..<1000 {
            let text = "2026-11-24T23:28:26." + String(repeating: "0", count: ms < 10 ? 2 : ms < 100 ? 1 : 0) + "\(ms)Z"
            #expect(Timestamp.parse(text).map(Timestamp.format) == text)
        }
    }

    // MARK: Numbers

    @Test func integersArrivingAsDoubles() throws {
        let list = try WireDecoder.taskList(json(#"{"tasks":[],"nextPageToken":"","pageSize":50.0,"totalSize":"7"}"#))
        #expect(list.pageSize == 50)
        #expect(list.totalSize == 7)
        #expect(list.nextPageToken == nil)
        let p = try WireDecoder.sendParams(json(#"{"message":{"messageId":"m","role":"user","parts":[{"text":"x"}]},"configuration":{"historyLength":3.0,"blocking":"false"}}"#))
        #expect(p.configuration.historyLength == 3)
        #expect(p.configuration.returnImmediately == true)
        #expect(throws: WireDecodingError.self) {
            try WireDecoder.taskList(json(#"{"tasks":[],"pageSize":50.5}"#))
        }
        // Metadata numbers are doubles whatever was sent; intValue reads both.
        let m = try WireDecoder.message(json(#"{"messageId":"m","role":"user","parts":[],"metadata":{"index":0,"count":3.0}}"#))
        #expect(m.metadata?["count"] == .number(3))
        #expect(m.metadata?["index"]?.intValue == 0)
        #expect(m.metadata?["count"]?.intValue == 3)
        #expect(JSONValue.number(3.5).intValue == nil)
        // Numeric ids read as strings.
        let t = try WireDecoder.task(json(#"{"id":42,"contextId":7.5,"status":{"state":"working"}}"#))
        #expect(t.id == "42")
        #expect(t.contextId == "7.5")
    }

    // MARK: JSON-RPC envelope

    @Test(arguments: [
        #"{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"m","data":[{"a":1}]}}"#,
        #"{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"m","data":null}}"#,
        #"{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"m"}}"#,
        #"{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"m","data":"text"}}"#,
        #"{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"m","data":{"k":"v"}}}"#,
        #"{"jsonrpc":"2.0","id":1,"error":{"code":-32001.0,"message":"m","data":3}}"#,
        #"{"jsonrpc":"2.0","id":1,"result":null,"error":{"code":-32001,"message":"m"}}"#,
    ])
    func errorDataOfAnyShape(_ text: String) throws {
        let sample = try json(text)
        let response = try JSONRPCResponse.parse(sample)
        guard case .failure(let e) = response.outcome else {
            Issue.record("expected an error")
            return
        }
        #expect(e.code == -32001)
        #expect(e.message == "m")
        #expect(e.data == sample["error"]?["data"])
        #expect(JSONRPCError.name(of: e.code) == "TaskNotFoundError")
        #expect(e.description.contains("-32001"))
    }

    @Test func errorWithoutMessage() throws {
        let r = try JSONRPCResponse.parse(json(#"{"jsonrpc":"2.0","error":{"code":-32603}}"#))
        #expect(r.outcome == .failure(JSONRPCError(code: -32603, message: "")))
        #expect(r.id == nil)
    }

    @Test(arguments: [(#""abc""#, JSONValue.string("abc")), ("7", .number(7)), ("7.5", .number(7.5)), ("null", .null), ("", nil)] as [(String, JSONValue?)])
    func responseIdOfAnyType(_ idText: String, _ id: JSONValue?) throws {
        let idMember = idText.isEmpty ? "" : #","id":"# + idText
        let r = try JSONRPCResponse.parse(json(#"{"jsonrpc":"2.0","result":{}"# + idMember + "}"))
        #expect(r.id == id)
        // Ids are echoed with their JSON type; a missing id is written as null.
        #expect(r.json()["id"] == (id ?? .null))
        let request = try JSONRPCRequest.parse(Array((#"{"jsonrpc":"2.0","method":"GetTask","params":{}"# + idMember + "}").utf8))
        #expect(request.id == id)
        #expect(request.json["id"] == id)
    }

    // MARK: Base64

    @Test func base64AlphabetsAndPadding() throws {
        let bytes = Data([0xFB, 0xFF, 0xBF, 0x00, 0x3E, 0x3F])  // needs + and / (- and _ URL-safe)
        let standard = bytes.base64EncodedString()
        #expect(standard == "+/+/AD4/")
        let urlSafe = "-_-_AD4_"
        for text in [standard, urlSafe] {
            #expect(LenientBase64.decode(text) == bytes)
        }
        for (padded, unpadded, value) in [("dGNr", "dGNr", "tck"), ("dGM=", "dGM", "tc"), ("dA==", "dA", "t"), ("", "", "")] {
            #expect(LenientBase64.decode(padded) == Data(value.utf8), "\(padded)")
            #expect(LenientBase64.decode(unpadded) == Data(value.utf8), "\(unpadded)")
        }
        #expect(LenientBase64.decode("dGNr\ndGNr") == Data("tcktck".utf8))
        #expect(LenientBase64.decode("a") == nil)
        #expect(LenientBase64.decode("*!*!") == nil)
        // In parts of both generations.
        #expect(try WireDecoder.part(json(#"{"raw":"-_-_AD4_"}"#)) == Part(.raw(bytes)))
        #expect(try WireDecoder.part(json(#"{"raw":"dGM"}"#)) == Part(.raw(Data("tc".utf8))))
        #expect(try WireDecoder.part(json(#"{"kind":"file","file":{"bytes":"dA","mime_type":"text/plain"}}"#)) == Part(.raw(Data("t".utf8)), mediaType: "text/plain"))
    }

    // MARK: Type detection

    @Test func typeDetectionByKindWrapperAndShape() throws {
        let status = #"{"state":"working"}"#
        let artifact = #"{"artifactId":"a","parts":[{"text":"x"}]}"#
        let cases: [(String, String)] = [
            // kind
            (#"{"kind":"task","id":"t","contextId":"c","status":\#(status)}"#, "task"),
            (#"{"kind":"message","messageId":"m","role":"agent","parts":[]}"#, "message"),
            (#"{"kind":"status-update","taskId":"t","contextId":"c","status":\#(status),"final":true}"#, "status"),
            (#"{"kind":"artifact-update","taskId":"t","contextId":"c","artifact":\#(artifact)}"#, "artifact"),
            // wrapper
            (#"{"task":{"id":"t","contextId":"c","status":\#(status)}}"#, "task"),
            (#"{"message":{"messageId":"m","role":"ROLE_AGENT","parts":[]}}"#, "message"),
            (#"{"statusUpdate":{"taskId":"t","contextId":"c","status":\#(status)}}"#, "status"),
            (#"{"artifactUpdate":{"taskId":"t","contextId":"c","artifact":\#(artifact)}}"#, "artifact"),
            // shape
            (#"{"id":"t","contextId":"c","status":\#(status)}"#, "task"),
            (#"{"id":"t","sessionId":"s","status":\#(status),"message":{"role":"user","content":{"type":"text","text":"x"}}}"#, "task"),
            (#"{"messageId":"m","role":"agent","parts":[]}"#, "message"),
            (#"{"taskId":"t","contextId":"c","status":\#(status)}"#, "status"),
            (#"{"taskId":"t","contextId":"c","artifact":\#(artifact)}"#, "artifact"),
        ]
        for (text, expected) in cases {
            let e = try WireDecoder.streamResponse(json(text))
            let kind: String
            switch e {
            case .task: kind = "task"
            case .message: kind = "message"
            case .statusUpdate: kind = "status"
            case .artifactUpdate: kind = "artifact"
            }
            #expect(kind == expected, "\(text)")
        }
        #expect(throws: WireDecodingError.self) { try WireDecoder.streamResponse(json(#"{"foo":1}"#)) }
        #expect(throws: WireDecodingError.self) { try WireDecoder.streamResponse(json(#"{"kind":"bogus"}"#)) }
        #expect(throws: WireDecodingError.self) { try WireDecoder.sendResult(json(#"{"statusUpdate":{"taskId":"t","status":{}}}"#)) }
        // taskResult takes a bare task or a wrapper.
        #expect(try WireDecoder.taskResult(json(#"{"task":{"id":"t","status":\#(status)}}"#)).id == "t")
    }

    @Test func partDetection() throws {
        #expect(try WireDecoder.part(json(#"{"type":"text","text":"pa2a"}"#)) == .text("pa2a"))
        #expect(try WireDecoder.part(json(#"{"type":"error","message":"boom"}"#)) == .text("boom"))
        #expect(try WireDecoder.part(json(#"{"kind":"file","file":{"uri":"u","name":"n"}}"#)) == Part(.url("u"), filename: "n"))
        #expect(try WireDecoder.part(json(#"{"kind":"file","file":{"url":"u"}}"#)) == Part(.url("u")))
        // A kind we do not know is kept as data.
        let fn = try json(#"{"type":"function_call","name":"f","parameters":[]}"#)
        #expect(try WireDecoder.part(fn) == Part(.data(fn)))
        // text wins over other members in 1.0 shape; an explicit null text reads as empty text.
        #expect(try WireDecoder.part(json(#"{"text":null}"#)) == .text(""))
        #expect(throws: WireDecodingError.self) { try WireDecoder.part(json(#"{"filename":"x"}"#)) }
    }

    // MARK: Cards

    @Test func pythonA2ACardWithStringProvider() throws {
        let card = try WireDecoder.agentCard(json("""
            {"name":"A2A Agent","description":"d","url":"http://127.0.0.1:9925","version":"1.0.0","provider":"Acme Inc",
             "capabilities":{"parts_array_format":true},"skills":[]}
            """))
        #expect(card.isPythonA2A)
        #expect(card.provider == AgentProvider(organization: "Acme Inc"))
        #expect(card.skills.isEmpty)
        #expect(card.supportedInterfaces == [AgentInterface(url: "http://127.0.0.1:9925", protocolBinding: "JSONRPC", protocolVersion: "0.3")])
        let google = try WireDecoder.agentCard(json(#"{"name":"x","capabilities":{"google_a2a_compatible":false}}"#))
        #expect(google.isPythonA2A)
        let plain = try WireDecoder.agentCard(json(#"{"name":"x","capabilities":{"streaming":true},"provider":{"organization":"o","url":"u"}}"#))
        #expect(!plain.isPythonA2A)
        #expect(plain.provider == AgentProvider(organization: "o", url: "u"))
    }

    @Test func v03InterfaceSynthesis() throws {
        let card = try WireDecoder.agentCard(json("""
            {"name":"n","url":"http://h/a2a","preferredTransport":"JSONRPC","protocolVersion":"0.3.0",
             "additionalInterfaces":[{"url":"http://h/a2a","transport":"JSONRPC"},{"url":"http://h/rest","transport":"HTTP+JSON"},
                                     {"url":"http://h/rest","transport":"HTTP+JSON"},{"url":"http://h:50051","transport":"GRPC"}],
             "supportsAuthenticatedExtendedCard":true,"security":[{"oauth":["read"]}]}
            """))
        #expect(card.supportedInterfaces == [
            AgentInterface(url: "http://h/a2a", protocolBinding: "JSONRPC", protocolVersion: "0.3.0"),
            AgentInterface(url: "http://h/rest", protocolBinding: "HTTP+JSON", protocolVersion: "0.3.0"),
            AgentInterface(url: "http://h:50051", protocolBinding: "GRPC", protocolVersion: "0.3.0"),
        ])
        #expect(card.capabilities.extendedAgentCard == true)
        #expect(card.securityRequirements == [["oauth": ["read"]]])
        // Defaults: no preferredTransport means JSONRPC, no protocolVersion means 0.3.
        let bare = try WireDecoder.agentCard(json(#"{"name":"n","url":"http://h/"}"#))
        #expect(bare.supportedInterfaces == [AgentInterface(url: "http://h/", protocolBinding: "JSONRPC", protocolVersion: "0.3")])
        // supportedInterfaces, when present, wins over the legacy fields.
        let both = try WireDecoder.agentCard(json(#"{"name":"n","url":"http://legacy/","supportedInterfaces":[{"url":"http://new/","protocolBinding":"HTTP+JSON","protocolVersion":"1.0","tenant":"t"}]}"#))
        #expect(both.supportedInterfaces == [AgentInterface(url: "http://new/", protocolBinding: "HTTP+JSON", protocolVersion: "1.0", tenant: "t")])
        // An empty supportedInterfaces falls back to the legacy fields.
        let empty = try WireDecoder.agentCard(json(#"{"name":"n","url":"http://legacy/","supportedInterfaces":[]}"#))
        #expect(empty.supportedInterfaces.map(\.url) == ["http://legacy/"])
    }

    @Test func interfaceGenerations() {
        let cases: [(String, ProtocolDialect?)] = [
            ("1.0", .v1_0), ("1.0.1", .v1_0), ("1.1", .v1_0), ("1", .v1_0), ("0.3", .v0_3), ("0.3.0", .v0_3), ("0.2.5", .v0_3),
            ("0.1", nil), ("2.0", nil), ("", nil), ("x", nil),
        ]
        for (version, generation) in cases {
            #expect(AgentInterface(url: "u", protocolVersion: version).generation == generation, "\(version)")
        }
    }

    // MARK: python-a2a chunks

    @Test func pythonA2AChunks() throws {
        #expect(try PythonA2AChunk.decode(json(#"{"content":"hi ","index":2,"append":true}"#)) == PythonA2AChunk(text: "hi ", index: 2))
        let dict = try PythonA2AChunk.decode(json(#"{"content":{"content":"step","progress":0.5,"stage":"fetch"},"index":1.0}"#))
        #expect(dict.text == "step")
        #expect(dict.index == 1)
        #expect(dict.progress == 0.5)
        #expect(dict.metadata == ["progress": 0.5, "stage": "fetch"])
        let percent = try PythonA2AChunk.decode(json(#"{"content":{"text":"t","progress":35}}"#))
        #expect(percent.text == "t")
        #expect(percent.progress == 0.35)
        #expect(percent.index == nil)
        let whole = try PythonA2AChunk.decode(json(#"{"content":"x","meta":{"progress":100}}"#))
        #expect(whole.progress == 1.0)
        let meta = try PythonA2AChunk.decode(json(#"{"content":"x","meta":{"stage":"s","progress":0.333},"lastChunk":true}"#))
        #expect(meta.progress == 0.333)
        #expect(meta.metadata == ["stage": "s", "progress": 0.333])
        #expect(meta.lastChunk)
        let none = try PythonA2AChunk.decode(json(#"{"content":null,"index":0}"#))
        #expect(none == PythonA2AChunk(text: "", index: 0))
        let number = try PythonA2AChunk.decode(json(#"{"content":42}"#))
        #expect(number.text == "42")
        #expect(throws: PythonA2AStreamError(message: "Streaming timed out")) {
            try PythonA2AChunk.decode(json(#"{"error":"Streaming timed out"}"#))
        }
        #expect(throws: PythonA2AStreamError(message: #"{"code":1}"#)) {
            try PythonA2AChunk.decode(json(#"{"error":{"code":1}}"#))
        }
        #expect(throws: WireDecodingError.self) { try PythonA2AChunk.decode(json("[1]")) }
    }

    @Test func pythonA2AFailedStatus() throws {
        let t = try WireDecoder.task(json(#"{"id":"t","sessionId":"s","status":{"state":"failed","message":{"error":"boom"}}}"#))
        #expect(t.status.state == .failed)
        #expect(t.status.message?.text == "boom")
        #expect(t.contextId == "s")
        // Our python-a2a shape writes failures the same way.
        let back = PythonA2AWire.task(t)
        #expect(back["status"]?["message"] == ["error": "boom"])
        #expect(PythonA2AWire.task(A2ATask(id: "t", contextId: "s", status: TaskStatus(state: .rejected)))["status"]?["state"] == "failed")
        #expect(PythonA2AWire.task(A2ATask(id: "t", contextId: "s", status: TaskStatus(state: .authRequired)))["status"]?["state"] == "input-required")
    }
}

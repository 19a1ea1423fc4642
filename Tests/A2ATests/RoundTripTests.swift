import Foundation
import Testing

@testable import A2A

/// Rich models through each generation's encoder, the JSON writer and parser, and back.
@Suite("Model round trips")
struct RoundTripTests {
    static let generations: [ProtocolDialect] = [.v1_0, .v0_3]

    /// A timestamp with whole milliseconds, which both encoders carry exactly.
    static let stamp = epoch(1_795_562_906.048)

    static let nestedMetadata: JSONObject = [
        "trace": "abc",
        "count": 3,
        "ratio": 0.25,
        "flags": [true, false, nil],
        "nested": ["deeper": ["list": [1, "two", ["three": 3.5]], "empty": [:]]],
        "https://example.org/ext/v1": ["progress": 0.5],
    ]

    /// Parts that every generation carries without loss.
    static let portableParts: [Part] = [
        .text("plain"),
        Part(.text("unicode ☃ 😀 \"quotes\" \\ back\nslash\ttab\u{1}"), metadata: ["lang": "en"]),
        Part(.text("")),
        Part(.raw(Data([0, 1, 2, 0x7F, 0x80, 0xFE, 0xFF])), filename: "bytes.bin", mediaType: "application/octet-stream"),
        Part(.raw(Data("tck".utf8))),
        Part(.raw(Data((0..<300).map { UInt8($0 % 256) })), mediaType: "image/png", metadata: ["w": 10]),
        Part(.url("https://example.com/output.txt"), filename: "output.txt", mediaType: "text/plain"),
        Part(.url("https://example.com/x?q=1&r=%20")),
        Part(.data(["key": "value", "count": 42, "nested": ["a": [1, 2, ["b": nil]]]])),
        Part(.data([:])),
        Part(.data([1, 2, "x"])),
        Part(.data([])),
        Part(.data("a string")),
        Part(.data(3.5)),
        Part(.data(true)),
        Part(.data(nil)),
        Part(.data([["a": 1], ["b": 2]]), metadata: ["schema": "pairs"]),
    ]

    static func message(_ id: String, role: Role, parts: [Part] = portableParts) -> Message {
        Message(
            messageId: id, role: role, parts: parts, contextId: "ctx-1", taskId: "task-1",
            referenceTaskIds: ["ref-1", "ref-2"], extensions: ["https://example.org/ext/v1"], metadata: nestedMetadata)
    }

    static func task(state: TaskState) -> A2ATask {
        A2ATask(
            id: "task-1", contextId: "ctx-1",
            status: TaskStatus(state: state, message: message("status-m", role: .agent, parts: [.text("status text")]), timestamp: stamp),
            artifacts: [
                Artifact(artifactId: "a-1", name: "report", description: "the report", parts: portableParts, metadata: ["size": 12], extensions: ["urn:x"]),
                Artifact(artifactId: "a-2", parts: [.text("second")]),
            ],
            history: [message("m-1", role: .user), message("m-2", role: .agent, parts: [.text("reply")])],
            metadata: nestedMetadata)
    }

    static func roundTrip(_ event: StreamResponse, _ dialect: ProtocolDialect) throws -> StreamResponse {
        let json = WireEncoder(dialect).streamResponse(event)
        return try WireDecoder.streamResponse(throughBytes(json))
    }

    // MARK: Tasks, messages, parts

    @Test(arguments: RoundTripTests.generations, TaskState.allCases)
    func taskInEveryState(_ dialect: ProtocolDialect, _ state: TaskState) throws {
        let t = Self.task(state: state)
        #expect(try Self.roundTrip(.task(t), dialect) == .task(t))
        #expect(try WireDecoder.taskResult(throughBytes(WireEncoder(dialect).task(t))) == t)
        #expect(try WireDecoder.sendResult(throughBytes(WireEncoder(dialect).sendResult(.task(t)))) == .task(t))
        let stateJSON = WireEncoder(dialect).status(t.status)["state"]
        #expect(stateJSON == .string(dialect == .v1_0 ? state.v10Name : state.v03Name))
    }

    @Test(arguments: RoundTripTests.generations)
    func messages(_ dialect: ProtocolDialect) throws {
        for role in [Role.user, .agent] {
            let m = Self.message("m-\(role)", role: role)
            #expect(try Self.roundTrip(.message(m), dialect) == .message(m))
            #expect(try WireDecoder.message(throughBytes(WireEncoder(dialect).message(m))) == m)
        }
        // A minimal message: no optional members are written.
        let minimal = Message(messageId: "m", role: .user, parts: [.text("x")])
        let json = WireEncoder(dialect).message(minimal)
        #expect(json["contextId"] == nil)
        #expect(json["taskId"] == nil)
        #expect(json["referenceTaskIds"] == nil)
        #expect(json["extensions"] == nil)
        #expect(json["metadata"] == nil)
        #expect(try WireDecoder.message(json) == minimal)
    }

    @Test(arguments: RoundTripTests.generations)
    func everyPartKind(_ dialect: ProtocolDialect) throws {
        let encoder = WireEncoder(dialect)
        for (i, p) in Self.portableParts.enumerated() {
            let json = encoder.part(p)
            #expect(try WireDecoder.part(throughBytes(json)) == p, "part \(i) in \(dialect): \(JSONWriter.string(json))")
        }
    }

    @Test func v03PartShapes() throws {
        let e = WireEncoder(.v0_3)
        #expect(e.part(.text("t")) == ["kind": "text", "text": "t"])
        #expect(e.part(Part(.raw(Data("tck".utf8)), filename: "f", mediaType: "text/plain")) == ["kind": "file", "file": ["bytes": "dGNr", "mimeType": "text/plain", "name": "f"]])
        #expect(e.part(Part(.url("u"))) == ["kind": "file", "file": ["uri": "u"]])
        #expect(e.part(Part(.data(["a": 1]))) == ["kind": "data", "data": ["a": 1]])
        // Non-object data is wrapped as {"value": …} with data_part_compat, and unwrapped on decode.
        let wrapped = e.part(Part(.data([1, 2]), metadata: ["m": "x"]))
        #expect(wrapped == ["kind": "data", "data": ["value": [1, 2]], "metadata": ["m": "x", "data_part_compat": true]])
        #expect(try WireDecoder.part(wrapped) == Part(.data([1, 2]), metadata: ["m": "x"]))
        #expect(try WireDecoder.part(e.part(Part(.data("s")))) == Part(.data("s")))
        // An object that merely has a `value` member is not unwrapped without the flag.
        #expect(try WireDecoder.part(["kind": "data", "data": ["value": 1]]) == Part(.data(["value": 1])))
    }

    @Test func v10PartShapes() throws {
        let e = WireEncoder(.v1_0)
        #expect(e.part(.text("t")) == ["text": "t"])
        #expect(e.part(Part(.raw(Data("tck".utf8)), filename: "f", mediaType: "text/plain")) == ["raw": "dGNr", "filename": "f", "mediaType": "text/plain"])
        #expect(e.part(Part(.url("u"))) == ["url": "u"])
        #expect(e.part(Part(.data([1, 2]))) == ["data": [1, 2]])
        #expect(e.part(Part(.text("t"), mediaType: "text/markdown")) == ["text": "t", "mediaType": "text/markdown"])
    }

    // MARK: Known lossy spots, asserted

    @Test func v03DropsMediaTypeAndFilenameOfTextAndDataParts() throws {
        let e = WireEncoder(.v0_3)
        let text = Part(.text("# t"), filename: "t.md", mediaType: "text/markdown")
        #expect(try WireDecoder.part(throughBytes(e.part(text))) == Part(.text("# t")))
        let data = Part(.data(["a": 1]), filename: "d.json", mediaType: "application/json")
        #expect(try WireDecoder.part(throughBytes(e.part(data))) == Part(.data(["a": 1])))
        // 1.0 keeps them.
        let v10 = WireEncoder(.v1_0)
        #expect(try WireDecoder.part(v10.part(text)) == text)
        #expect(try WireDecoder.part(v10.part(data)) == data)
    }

    @Test func unspecifiedRoleIsAgentIn03() throws {
        let m = Message(messageId: "m", role: .unspecified, parts: [.text("x")])
        #expect(try WireDecoder.message(WireEncoder(.v0_3).message(m)).role == .agent)
        #expect(WireEncoder(.v1_0).message(m)["role"] == "ROLE_UNSPECIFIED")
        #expect(try WireDecoder.message(WireEncoder(.v1_0).message(m)).role == .unspecified)
    }

    @Test func emptyMetadataReadsAsAbsent() throws {
        for dialect in Self.generations {
            let m = Message(messageId: "m", role: .user, parts: [.text("x")], metadata: JSONObject())
            #expect(try WireDecoder.message(WireEncoder(dialect).message(m)).metadata == nil)
        }
    }

    @Test func timestampsKeepMillisecondsOnly() throws {
        let precise = epoch(1_795_562_903.436031)
        let t = A2ATask(id: "t", contextId: "c", status: TaskStatus(state: .working, timestamp: precise))
        for dialect in Self.generations {
            let json = WireEncoder(dialect).task(t)
            #expect(json["status"]?["timestamp"] == "2026-11-24T23:28:23.436Z")
            let back = try WireDecoder.task(json)
            #expect(sameInstant(back.status.timestamp, epoch(1_795_562_903.436)))
        }
    }

    // MARK: Events

    @Test(arguments: RoundTripTests.generations)
    func statusUpdates(_ dialect: ProtocolDialect) throws {
        for state in TaskState.allCases {
            for isFinal in [false, true] {
                let u = TaskStatusUpdateEvent(
                    taskId: "t", contextId: "c",
                    status: TaskStatus(state: state, message: Self.message("s", role: .agent, parts: [.text("note")]), timestamp: Self.stamp),
                    isFinal: isFinal, metadata: Self.nestedMetadata)
                let back = try Self.roundTrip(.statusUpdate(u), dialect)
                var expected = u
                if dialect == .v1_0 {
                    // Known loss: 1.0 has no `final`; the stream's end is EOF.
                    expected.isFinal = false
                    #expect(WireEncoder(.v1_0).statusUpdate(u)["final"] == nil)
                } else {
                    #expect(WireEncoder(.v0_3).statusUpdate(u)["final"] == .bool(isFinal))
                }
                #expect(back == .statusUpdate(expected))
            }
        }
    }

    @Test(arguments: RoundTripTests.generations)
    func artifactUpdates(_ dialect: ProtocolDialect) throws {
        for append in [false, true] {
            for lastChunk in [false, true] {
                let u = TaskArtifactUpdateEvent(
                    taskId: "t", contextId: "c",
                    artifact: Artifact(artifactId: "a", name: "n", description: "d", parts: Self.portableParts, metadata: ["i": 1], extensions: ["urn:e"]),
                    append: append, lastChunk: lastChunk, metadata: ["event": ["only": true]])
                #expect(try Self.roundTrip(.artifactUpdate(u), dialect) == .artifactUpdate(u))
                let json = WireEncoder(dialect).artifactUpdate(u)
                if dialect == .v1_0 {
                    #expect(json["append"] == (append ? .bool(true) : nil))
                    #expect(json["lastChunk"] == (lastChunk ? .bool(true) : nil))
                    #expect(json["kind"] == nil)
                } else {
                    #expect(json["append"] == .bool(append))
                    #expect(json["lastChunk"] == .bool(lastChunk))
                    #expect(json["kind"] == "artifact-update")
                }
            }
        }
    }

    @Test(arguments: RoundTripTests.generations)
    func wrappersAndKinds(_ dialect: ProtocolDialect) {
        let e = WireEncoder(dialect)
        let t = Self.task(state: .working)
        let u = TaskStatusUpdateEvent(taskId: "t", contextId: "c", status: TaskStatus(state: .working))
        let a = TaskArtifactUpdateEvent(taskId: "t", contextId: "c", artifact: Artifact(artifactId: "a", parts: [.text("x")]))
        let m = Message(messageId: "m", role: .agent, parts: [.text("x")])
        if dialect == .v1_0 {
            #expect(e.streamResponse(.task(t)).objectValue?.keys == ["task"])
            #expect(e.streamResponse(.message(m)).objectValue?.keys == ["message"])
            #expect(e.streamResponse(.statusUpdate(u)).objectValue?.keys == ["statusUpdate"])
            #expect(e.streamResponse(.artifactUpdate(a)).objectValue?.keys == ["artifactUpdate"])
            #expect(e.task(t)["kind"] == nil)
            #expect(e.message(m)["role"] == "ROLE_AGENT")
        } else {
            #expect(e.streamResponse(.task(t))["kind"] == "task")
            #expect(e.streamResponse(.message(m))["kind"] == "message")
            #expect(e.streamResponse(.statusUpdate(u))["kind"] == "status-update")
            #expect(e.streamResponse(.artifactUpdate(a))["kind"] == "artifact-update")
            #expect(e.message(m)["role"] == "agent")
        }
    }

    // MARK: Requests and lists

    @Test(arguments: RoundTripTests.generations)
    func sendParams(_ dialect: ProtocolDialect) throws {
        for returnImmediately in [false, true] {
            let p = SendMessageParams(
                message: Self.message("m-1", role: .user),
                configuration: SendConfiguration(acceptedOutputModes: ["text/plain", "application/json"], historyLength: 3, returnImmediately: returnImmediately),
                metadata: ["req": 1], tenant: "tenant-a")
            let back = try WireDecoder.sendParams(throughBytes(WireEncoder(dialect).sendParams(p)))
            var expected = p
            if dialect == .v0_3 { expected.tenant = nil }  // Known loss: 0.3 has no tenant.
            #expect(back == expected)
        }
    }

    @Test func taskList() throws {
        let list = TaskList(tasks: [Self.task(state: .completed), Self.task(state: .working)], nextPageToken: "next", pageSize: 2, totalSize: 7)
        #expect(try WireDecoder.taskList(throughBytes(WireEncoder(.v1_0).taskList(list))) == list)
    }

    // MARK: Agent cards

    static let richCard = AgentCard(
        name: "Pipeline Runner", description: "Runs pipelines", version: "2.1.0",
        supportedInterfaces: [
            AgentInterface(url: "http://127.0.0.1:8080/", protocolBinding: "JSONRPC", protocolVersion: "1.0", tenant: "acme"),
            AgentInterface(url: "http://127.0.0.1:8080/rest", protocolBinding: "HTTP+JSON", protocolVersion: "1.0"),
            AgentInterface(url: "http://127.0.0.1:8080/", protocolBinding: "JSONRPC", protocolVersion: "0.3"),
            AgentInterface(url: "http://127.0.0.1:8080/v03/rest", protocolBinding: "HTTP+JSON", protocolVersion: "0.3"),
        ],
        capabilities: AgentCapabilities(
            streaming: true, pushNotifications: false, stateTransitionHistory: true, extendedAgentCard: true,
            extensions: [
                AgentExtension(uri: "https://example.org/a2a-pipe/progress/v1", description: "progress", required: false),
                AgentExtension(uri: "urn:required", required: true, params: ["level": 2, "modes": ["a", "b"]]),
            ]),
        defaultInputModes: ["text/plain", "application/json"],
        defaultOutputModes: ["text/plain"],
        skills: [
            AgentSkill(id: "run", name: "Run", description: "Runs it", tags: ["pipeline", "run"], examples: ["run x"], inputModes: ["text/plain"], outputModes: ["application/json"]),
            AgentSkill(id: "bare", name: "Bare", description: "Nothing more", tags: []),
        ],
        provider: AgentProvider(organization: "Example Org", url: "https://example.org"),
        documentationUrl: "https://example.org/docs",
        iconUrl: "https://example.org/icon.png",
        securitySchemes: ["bearer": ["httpAuthSecurityScheme": ["scheme": "Bearer"]]],
        securityRequirements: [["schemes": ["bearer": ["list": []]]]])

    @Test func cardThrough10() throws {
        let json = WireEncoder(.v1_0).agentCard(Self.richCard)
        var expected = Self.richCard
        // Known loss: stateTransitionHistory exists only in 0.3.
        expected.capabilities.stateTransitionHistory = nil
        #expect(json["capabilities"]?["stateTransitionHistory"] == nil)
        #expect(json["securityRequirements"] != nil)
        #expect(try WireDecoder.agentCard(throughBytes(json)) == expected)
        // Hybrid: the same interfaces (supportedInterfaces wins) plus the 0.3 fields.
        let hybrid = WireEncoder(.v1_0).agentCard(Self.richCard, hybrid: true)
        #expect(hybrid["url"] == "http://127.0.0.1:8080/")
        #expect(hybrid["protocolVersion"] == "0.3")
        #expect(hybrid["supportsAuthenticatedExtendedCard"] == .bool(true))
        #expect(hybrid["additionalInterfaces"] == [["url": "http://127.0.0.1:8080/v03/rest", "transport": "HTTP+JSON"]])
        #expect(try WireDecoder.agentCard(throughBytes(hybrid)) == expected)
    }

    @Test func cardThrough03() throws {
        // A card whose interfaces are all 0.3 of one version goes through 0.3 unchanged.
        var card = Self.richCard
        card.supportedInterfaces = [
            AgentInterface(url: "http://h/", protocolBinding: "JSONRPC", protocolVersion: "0.3.0"),
            AgentInterface(url: "http://h/rest", protocolBinding: "HTTP+JSON", protocolVersion: "0.3.0"),
            AgentInterface(url: "http://h:9000", protocolBinding: "GRPC", protocolVersion: "0.3.0"),
        ]
        let json = WireEncoder(.v0_3).agentCard(card)
        #expect(json["supportedInterfaces"] == nil)
        #expect(json["security"] != nil)
        #expect(json["securityRequirements"] == nil)
        #expect(json["capabilities"]?["extendedAgentCard"] == nil)
        #expect(json["supportsAuthenticatedExtendedCard"] == .bool(true))
        #expect(try WireDecoder.agentCard(throughBytes(json)) == card)

        // Known losses of the rich card in 0.3: 1.0 interfaces and tenants go; only 0.3 ones stay,
        // and they all take the top-level protocolVersion.
        let lossy = try WireDecoder.agentCard(throughBytes(WireEncoder(.v0_3).agentCard(Self.richCard)))
        #expect(lossy.supportedInterfaces == [
            AgentInterface(url: "http://127.0.0.1:8080/", protocolBinding: "JSONRPC", protocolVersion: "0.3"),
            AgentInterface(url: "http://127.0.0.1:8080/v03/rest", protocolBinding: "HTTP+JSON", protocolVersion: "0.3"),
        ])
        var rest = lossy
        rest.supportedInterfaces = Self.richCard.supportedInterfaces
        #expect(rest == Self.richCard)
    }

    // MARK: Cross-dialect

    @Test func v03SampleThrough10AndBack() throws {
        let sample = try result(of: Samples.json("v03-send-reply.json"))
        let model = try WireDecoder.sendResult(sample)
        let as10 = try throughBytes(WireEncoder(.v1_0).sendResult(model))
        #expect(as10["task"]?["status"]?["state"] == "TASK_STATE_COMPLETED")
        let model10 = try WireDecoder.sendResult(as10)
        #expect(model10 == msPrecision(model))
        let back03 = WireEncoder(.v0_3).sendResult(model10)
        #expect(withoutTimestamps(back03) == withoutTimestamps(sample))

        // Every event of the 0.3 stream, through 1.0 and back (only `final` is lost in 1.0).
        for event in try Samples.events("v03-stream.sse") {
            let e = try WireDecoder.streamResponse(JSONRPCResponse.parse(json(event.data)).outcome.get())
            var expected = msPrecision(e)
            if case .statusUpdate(var u) = expected {
                u.isFinal = false
                expected = .statusUpdate(u)
            }
            let via10 = try Self.roundTrip(e, .v1_0)
            #expect(via10 == expected)
            #expect(try Self.roundTrip(via10, .v0_3) == via10)
        }
    }

    @Test func richModelsCrossBothWays() throws {
        let t = Self.task(state: .inputRequired)
        let via03 = try WireDecoder.task(throughBytes(WireEncoder(.v0_3).task(t)))
        let via03then10 = try WireDecoder.task(throughBytes(WireEncoder(.v1_0).task(via03)))
        #expect(via03then10 == t)
        let via10then03 = try WireDecoder.task(throughBytes(WireEncoder(.v0_3).task(WireDecoder.task(WireEncoder(.v1_0).task(t)))))
        #expect(via10then03 == t)
    }
}

import A2A
import Testing

@testable import A2APipe

@Suite("PipelineSnapshot")
struct PipelineSnapshotTests {
    @Test("items running side by side never splice into each other's line")
    func lastLinePerItem() {
        var s = PipelineSnapshot(pipeline: "p", stages: ["a"])
        s.apply(.stageStarted(stage: "a", attempt: 1))
        s.apply(.stageChunk(stage: "a", item: 0, text: "the quick "))
        s.apply(.stageChunk(stage: "a", item: 1, text: "lazy "))
        #expect(s[stage: "a"]?.lastLine == "lazy ")
        s.apply(.stageChunk(stage: "a", item: 0, text: "brown fox"))
        #expect(s[stage: "a"]?.lastLine == "the quick brown fox")
        s.apply(.stageChunk(stage: "a", item: 1, text: "dog\nnext"))
        #expect(s[stage: "a"]?.lastLine == "next")
        s.apply(.stageChunk(stage: "a", item: 1, text: " line\n"))
        #expect(s[stage: "a"]?.lastLine == "next line")
    }

    @Test("progress never goes backwards; a failed run cancels or skips the rest")
    func monotonicAndOutcome() {
        var s = PipelineSnapshot(pipeline: "p", stages: ["a", "b", "c"])
        s.apply(.pipelineProgress(0.5))
        s.apply(.pipelineProgress(0.4))
        #expect(s.progress == 0.5)
        s.apply(.stageStarted(stage: "b", attempt: 1))
        s.apply(.stageFailed(stage: "a", attempt: 2, item: nil, error: "boom", willRetry: false))
        s.apply(.pipelineFailed(stage: "a", error: "boom"))
        #expect(s.stages.map(\.state) == [.failed, .canceled, .skipped])
        #expect(s.outcome == .failed("boom"))
    }

    @Test("the progress payload carries each stage's elapsed time and output tail")
    func payloadElapsedAndTail() {
        let t0 = ContinuousClock.now
        var s = PipelineSnapshot(pipeline: "p", stages: ["a", "b", "c"])
        s.apply(.stageStarted(stage: "a", attempt: 1), now: t0)
        s.apply(.stageChunk(stage: "a", item: nil, text: "first\nsecond <b>"), now: t0)
        s.apply(.stageCompleted(stage: "a", elapsed: .milliseconds(1500)), now: t0 + .milliseconds(1500))
        s.apply(.stageStarted(stage: "b", attempt: 1), now: t0 + .milliseconds(1500))
        let json = ProgressPayload(s, now: t0 + .milliseconds(1750)).json
        let stages = json["stages"]?.arrayValue ?? []
        #expect(stages[0]["elapsed_ms"] == .number(1500))
        #expect(stages[0]["tail"] == .string("second <b>"))
        #expect(stages[1]["elapsed_ms"] == .number(250), "a running stage: the time so far")
        #expect(stages[1]["tail"] == nil)
        #expect(stages[2]["elapsed_ms"] == nil, "not started")
    }
}

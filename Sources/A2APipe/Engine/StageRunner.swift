/// Runs one stage that is not `for_each`: waits for the whole outputs it reads, renders its
/// input, runs its agent with the stage's retry policy, and streams its output to the stages
/// and sinks that read it.
struct StageRunner: Sendable {
    let stage: PlannedStage
    let plan: Plan
    let input: String
    let wholeUpstreams: [String]
    let agent: any StageAgent
    let store: StageOutputStore
    let fanout: StageOutputFanout
    let events: EventEmitter

    func run() async throws {
        let outputs = try await store.wait(for: wholeUpstreams)
        let start = ContinuousClock.now
        let text = stage.input.render(plan.templateValues(input: input, stageOutputs: outputs))
        let id = stage.id
        let events = self.events
        let fanout = self.fanout
        try await StageAttempts(stage: stage, agent: agent, events: events).run(input: text, item: nil) { chunk in
            try fanout.admit(chunk)
            await events.send(.stageChunk(stage: id, item: nil, text: chunk))
            await fanout.forward(chunk)
        }
        try Task.checkCancellation()
        await events.send(.stageCompleted(stage: id, elapsed: .now - start))
        store.publish(id, output: fanout.retainWhole ? fanout.output ?? "" : "")
        fanout.finish()
    }
}

/// A nested `pipeline:` agent: runs the nested plan with its own ``Engine``, in-process.
/// The nested output streams as the stage's output, and the nested pipeline's progress is the
/// stage's progress.
struct NestedStageAgent: StageAgent {
    let path: String
    let plan: Plan
    let configuration: EngineConfiguration

    var label: String { "pipeline \(path)" }
    var enginePolicesIdle: Bool { true }

    /// Turns the nested run's events into the outer stage's outputs.
    struct Relay: PipelineEventSink {
        let emit: @Sendable (AgentOutput) async throws -> Void

        func receive(_ event: PipelineEvent) async throws {
            switch event {
            case .pipelineOutput(let text):
                if !text.isEmpty { try await emit(.text(text)) }
            case .pipelineProgress(let p):
                try await emit(.progress(p, message: nil))
            case .stageInputRequired(_, let question):
                try await emit(.inputRequired(question))
            default:
                break
            }
        }
    }

    func run(_ call: AgentCall, emit: @escaping @Sendable (AgentOutput) async throws -> Void) async throws {
        var nested = configuration
        nested.retainOutput = false  // the output streams through pipelineOutput events
        do {
            _ = try await Engine(plan: plan, configuration: nested).run(input: call.input, sink: Relay(emit: emit))
        } catch let error as PipelineRunError {
            throw AgentFailure(message: "nested pipeline \(path): \(error.description)")
        }
    }
}

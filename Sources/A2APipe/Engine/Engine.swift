import Foundation
import A2A
import A2AClient
import BuiltinAgents

/// Runs a validated ``Plan``.
///
/// Every stage runs as a child task of one task group and streams: a stage's output flows to
/// the stages that read it as it is produced (`for_each` stages start items while their
/// upstream still streams), through bounded channels, so a slow consumer slows its producer
/// and memory stays flat. Every stage's events go through one merge point, are folded into the
/// pipeline's progress, and reach the sink in order.
///
/// ```swift
/// let plan = PipelineLoader().load(path: "research.yaml").plan!
/// let result = try await Engine(plan: plan).run(input: "question", sink: mySink)
/// print(result.output ?? "")
/// ```
public struct Engine: Sendable {
    /// The plan this engine runs.
    public let plan: Plan
    /// How it runs.
    public let configuration: EngineConfiguration

    /// Creates an engine for a plan.
    public init(plan: Plan, configuration: EngineConfiguration = .init()) {
        self.plan = plan
        self.configuration = configuration.askingOneAtATime()
    }

    /// Runs the pipeline once. Events reach `sink` in order, starting with `pipelineStarted`
    /// and ending with `pipelineCompleted` or `pipelineFailed`.
    ///
    /// Cancelling the calling task cancels the run: every running stage stops and every remote
    /// task started by the run is cancelled at its agent (each call bounded by
    /// ``EngineConfiguration/cancelTimeout``) before this returns; then it throws
    /// `CancellationError` (after sending `pipelineFailed(stage: nil, error: "canceled")`).
    ///
    /// - Throws: ``PipelineRunError`` when a stage fails for good (every other stage is
    ///   cancelled first), `CancellationError` when cancelled, or what the sink throws.
    public func run(input: String, sink: some PipelineEventSink) async throws -> PipelineResult {
        let start = ContinuousClock.now
        let launcher = configuration.launcher ?? AgentLauncher()
        let ownsLauncher = configuration.launcher == nil
        let channel = BoundedChannel<PipelineEvent>(capacity: EventEmitter.capacity)
        let execution = RunExecution(plan: plan, configuration: configuration, launcher: launcher, input: input, events: EventEmitter(channel: channel))
        var aggregator = ProgressAggregator(plan: plan)
        let outcome: Result<String?, any Error>
        do {
            try await sink.receive(.pipelineStarted(pipeline: plan.name, stages: plan.stagesInDisplayOrder.map(\.id)))
            outcome = try await withThrowingTaskGroup(of: Result<String?, any Error>.self) { group in
                group.addTask {
                    defer { channel.finish() }
                    do {
                        return .success(try await execution.run())
                    } catch {
                        return .failure(error)
                    }
                }
                // The one consumer of the merged events: the sink, then the progress they imply.
                for await event in channel {
                    try await sink.receive(event)
                    if let p = aggregator.apply(event) { try await sink.receive(.pipelineProgress(p)) }
                }
                return try await group.next() ?? .failure(CancellationError())
            }
        } catch {
            if ownsLauncher { await launcher.shutdown() }
            throw error
        }
        if ownsLauncher { await launcher.shutdown() }
        switch outcome {
        case .success(let output):
            if let p = aggregator.complete() { try await sink.receive(.pipelineProgress(p)) }
            let elapsed = ContinuousClock.now - start
            try await sink.receive(.pipelineCompleted(output: output, elapsed: elapsed))
            return PipelineResult(output: output, elapsed: elapsed)
        case .failure(let error):
            if error is CancellationError || Task.isCancelled {
                try? await sink.receive(.pipelineFailed(stage: nil, error: "canceled"))
                throw CancellationError()
            }
            let failure = error as? PipelineRunError ?? PipelineRunError(stage: nil, message: String(describing: error))
            try await sink.receive(.pipelineFailed(stage: failure.stage, error: failure.description))
            throw failure
        }
    }
}

/// One run of a plan: the wiring between stages (channels, retained outputs), the agents,
/// and the task group the stages run in.
struct RunExecution: Sendable {
    let plan: Plan
    let configuration: EngineConfiguration
    let launcher: AgentLauncher
    let input: String
    let events: EventEmitter

    /// Runs every stage; returns the pipeline output (when kept).
    func run() async throws -> String? {
        let store = StageOutputStore()
        let outputStage = plan.outputStage
        let templateReads = outputStage == nil ? Set(plan.output.referencedStages) : []
        let wholeReads = Set(plan.edges.filter { $0.kind == .whole }.map(\.from))

        // One bounded channel per for_each edge.
        var itemStreams: [String: BoundedChannel<String>] = [:]  // the for_each stage -> its upstream's chunks
        var streamsByUpstream: [String: [BoundedChannel<String>]] = [:]
        for stage in plan.stages {
            guard let forEach = stage.forEach else { continue }
            let channel = BoundedChannel<String>(capacity: StageOutputFanout.streamCapacity)
            itemStreams[stage.id] = channel
            streamsByUpstream[forEach.from, default: []].append(channel)
        }
        var fanouts: [String: StageOutputFanout] = [:]
        for stage in plan.stages {
            let isOutput = stage.id == outputStage
            fanouts[stage.id] = StageOutputFanout(
                stage: stage.id,
                streams: streamsByUpstream[stage.id] ?? [],
                events: events,
                isPipelineOutput: isOutput,
                retainWhole: wholeReads.contains(stage.id) || templateReads.contains(stage.id),
                retainForResult: isOutput && configuration.retainOutput ? configuration.maxRetainedOutputBytes : nil,
                stageCap: OutputCap(limit: configuration.maxStageOutputBytes, kind: .stage(stage.id)),
                runCap: isOutput ? OutputCap(limit: configuration.maxRunOutputBytes, kind: .run) : nil)
        }

        try await launchAgents()
        var runners: [@Sendable () async throws -> Void] = []
        for stage in plan.stages {
            let agent = try makeAgent(for: stage)
            let whole = plan.edges.filter { $0.to == stage.id && $0.kind == .whole }.map(\.from)
            let fanout = fanouts[stage.id]!
            if let forEach = stage.forEach, let upstream = itemStreams[stage.id] {
                let runner = ForEachRunner(
                    stage: stage, forEach: forEach, plan: plan, input: input, wholeUpstreams: whole, upstream: upstream,
                    agent: agent, store: store, fanout: fanout, events: events)
                runners.append { try await runner.run() }
            } else {
                let runner = StageRunner(
                    stage: stage, plan: plan, input: input, wholeUpstreams: whole, agent: agent,
                    store: store, fanout: fanout, events: events)
                runners.append { try await runner.run() }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for runner in runners { group.addTask { try await runner() } }
            // The first stage to fail for good ends the group: the others are cancelled (and
            // cancel their remote tasks) before it returns.
            // Not waitForAll(): it waits for every child even after one failed.
            while try await group.next() != nil {}
        }
        try Task.checkCancellation()

        let limit = configuration.maxRetainedOutputBytes
        if let outputStage {
            guard configuration.retainOutput, let output = fanouts[outputStage]?.output, output.utf8.count <= limit else { return nil }
            return output
        }
        var outputs: [String: String] = [:]
        for id in templateReads { outputs[id] = fanouts[id]?.output ?? "" }
        let output = plan.output.render(plan.templateValues(input: input, stageOutputs: outputs))
        guard output.utf8.count <= configuration.maxRunOutputBytes else {
            throw PipelineRunError(stage: nil, message: OutputCapExceeded(kind: .run, limit: configuration.maxRunOutputBytes).description)
        }
        await events.send(.pipelineOutput(text: output))
        return configuration.retainOutput && output.utf8.count <= limit ? output : nil
    }

    /// Starts the `launch:` agents the stages use (those not answering already), one at a time.
    func launchAgents() async throws {
        var done = Set<String>()
        for stage in plan.stages {
            guard let agent = plan.agents[stage.agent], let argv = agent.launch, !argv.isEmpty,
                  case .url(let template) = agent.kind, done.insert(agent.id).inserted else { continue }
            let url = template.render(plan.templateValues(input: input))
            do {
                try await launcher.ensureRunning(url: url, command: argv, timeout: agent.launchTimeout ?? .seconds(30))
            } catch let error as AgentLaunchError {
                throw PipelineRunError(stage: stage.id, agentURL: url, message: error.description)
            }
        }
    }

    /// The agent a stage calls.
    func makeAgent(for stage: PlannedStage) throws -> any StageAgent {
        guard let agent = plan.agents[stage.agent] else {
            throw PipelineRunError(stage: stage.id, message: "unknown agent '\(stage.agent)'")
        }
        let values = plan.templateValues(input: input)
        switch agent.kind {
        case .url(let template):
            let url = template.render(values)
            let dialect: ProtocolDialect? = switch agent.protocol {
            case .auto: nil
            case .a2a10: .v1_0
            case .a2a03: .v0_3
            case .pythonA2A: .pythonA2A
            }
            let headers = agent.headers.map { (name: $0.name, value: $0.value.render(values)) }
            let clientConfiguration = A2AClientConfiguration(
                dialect: dialect, headers: headers, idleTimeout: stage.idleTimeout ?? configuration.defaultIdleTimeout)
            let cache = configuration.remoteClients
            let client = cache?.client(url: url, configuration: clientConfiguration) ?? A2AClient(url: url, configuration: clientConfiguration)
            let launcher = self.launcher
            return RemoteStageAgent(
                client: client, cancelTimeout: configuration.cancelTimeout, onInputRequired: configuration.onInputRequired,
                diagnose: { await launcher.diagnosis(url: url) },
                onFailure: { cache?.evict(client) })
        case .builtin(let name, let with):
            let parameters = BuiltinAgentCatalog.standard[name]
            var settings: [String: String] = [:]
            for (key, value) in with {
                let rendered = value.rendered(values)
                if let text = rendered.text {
                    settings[key] = parameters?.parameter(named: key)?.kind == .path ? Engine.resolvePath(text, nextTo: plan.file) : text
                } else if let list = rendered.textList {
                    settings[key] = AgentSettings.text(list: list)  // keeps argv boundaries (exec's command)
                } else if let map = rendered.textMap {
                    settings[key] = AgentSettings.text(map: map)
                } else {
                    settings[key] = String(describing: rendered)
                }
            }
            do {
                let executor = try configuration.builtins.makeAgent(name, settings: AgentSettings(settings))
                let location = name == "llm" ? (settings["base_url"] ?? LLMAgent.defaultBaseURL) : nil
                return BuiltinStageAgent(name: name, executor: executor, onInputRequired: configuration.onInputRequired, location: location)
            } catch {
                throw PipelineRunError(stage: stage.id, agentURL: "builtin \(name)", message: "cannot start the agent: \(error)")
            }
        case .pipeline(let path, var nested, let with):
            for (key, value) in with {
                let rendered = value.rendered(values)
                nested.params[key] = rendered.text ?? String(describing: rendered)
            }
            var nestedConfiguration = configuration
            nestedConfiguration.launcher = launcher
            return NestedStageAgent(path: path, plan: nested, configuration: nestedConfiguration)
        }
    }
}

extension Engine {
    /// A path from a pipeline file's `with:`: a leading `~` or `~user` is the home folder (as a
    /// shell would expand it, so `--set corpus=~/notes` works quoted and in any shell); a
    /// relative path is next to the pipeline file when it exists there, else as given
    /// (relative to the current directory).
    static func resolvePath(_ path: String, nextTo file: String) -> String {
        if path.hasPrefix("~") { return expandTilde(path) }
        guard !path.isEmpty, !path.hasPrefix("/") else { return path }
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        let candidate = directory.appendingPathComponent(path).standardizedFileURL.path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : path
    }

    /// `~` or `~/rest` → `$HOME/rest`; `~user/rest` → that user's home; unchanged when the
    /// home folder is unknown.
    static func expandTilde(_ path: String) -> String {
        let slash = path.firstIndex(of: "/") ?? path.endIndex
        let user = path[path.index(after: path.startIndex)..<slash]
        let home: String?
        if user.isEmpty {
            home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? FileManager.default.homeDirectoryForCurrentUser.path
        } else {
            home = FileManager.default.homeDirectory(forUser: String(user))?.path
        }
        guard var home else { return path }
        while home.count > 1, home.hasSuffix("/") { home.removeLast() }
        return home + path[slash...]
    }
}

/// Folds stage events into the pipeline's progress: the mean of the stages' progress weighted
/// by `progress_weight`, never decreasing, and 1 only when the run has succeeded.
///
/// A stage's progress is, in order of preference: the agent's own progress (metadata), its
/// `for_each` item counts (both arrive as `stage.progress` events), and its state (started 0,
/// completed 1).
struct ProgressAggregator: Sendable {
    private var weights: [String: Double] = [:]
    private var progress: [String: Double] = [:]
    private let totalWeight: Double
    private var sum = 0.0
    private(set) var current: Double = 0

    init(plan: Plan) {
        var total = 0.0
        for stage in plan.stages {
            let weight = stage.progressWeight > 0 ? stage.progressWeight : 1
            weights[stage.id] = weight
            progress[stage.id] = 0
            total += weight
        }
        totalWeight = max(total, .leastNonzeroMagnitude)
    }

    /// The new pipeline progress if `event` raised it (by at least 0.0001), else `nil`.
    mutating func apply(_ event: PipelineEvent) -> Double? {
        switch event {
        case .stageProgress(let stage, let p, _):
            // Below 1 until the stage has completed: an agent at 100% has not finished yet.
            return set(stage, min(p, 0.999))
        case .stageCompleted(let stage, _):
            return set(stage, 1)
        default:
            return nil
        }
    }

    /// The final progress of a successful run: 1, if not reported yet.
    mutating func complete() -> Double? {
        guard current < 1 else { return nil }
        current = 1
        return 1
    }

    private mutating func set(_ stage: String, _ value: Double) -> Double? {
        guard let weight = weights[stage], let old = progress[stage], value > old else { return nil }
        progress[stage] = value
        sum += (value - old) * weight
        // Stays below 1 until the run has succeeded (the output may still be on its way).
        let overall = min(sum / totalWeight, 0.9999)
        guard overall >= current + 0.0001 else { return nil }
        current = overall
        return overall
    }
}

import Synchronization

/// Runs a `for_each` stage: its agent once per item of the upstream's output, each item as
/// soon as the upstream has streamed it, up to `concurrency` items at once.
///
/// With `concurrency: 1` (the default) one task does it all, item after item, in item order
/// (``runInline()``): it reads the upstream's chunks from their bounded channel, splits them
/// into items and runs each item as soon as it is complete, streaming its output on as it
/// comes; while an item runs, the upstream can run ahead only as far as that channel allows.
///
/// With more concurrency, three kinds of child task share one task group:
/// - the **reader** takes the upstream's chunks from a bounded channel, splits them into items
///   (``ItemSplitter``) and hands each item to a worker through a small ``BoundedChannel``, so
///   when every worker is busy the reader waits once a few items are queued, and so does the
///   upstream (no unbounded buffer). Only while the stage's other (whole) inputs are not ready yet are items held,
///   since a worker cannot start before them;
/// - `concurrency` **workers** each run one item at a time (``StageAttempts``, retries per item);
/// - the **joiner** streams item outputs on in item order (`order: input`: the first unfinished
///   item streams live, later items wait in memory, at most `concurrency` of them) or in
///   completion order, and reports item counts and progress.
///
/// Item outputs are joined so that each ends with a line break (one is added after an item
/// whose output does not end with one). A failed item (after its retries) fails the stage.
struct ForEachRunner: Sendable {
    let stage: PlannedStage
    let forEach: PlannedForEach
    let plan: Plan
    let input: String
    let wholeUpstreams: [String]
    let upstream: BoundedChannel<String>
    let agent: any StageAgent
    let store: StageOutputStore
    let fanout: StageOutputFanout
    let events: EventEmitter

    struct Item: Sendable {
        var index: Int
        var text: String
    }

    enum JoinEvent: Sendable {
        case started(Int)
        case chunk(Int, String)
        case done(Int)
        case total(Int)
    }

    /// Runs the splitter, failing the stage (not one item) when the upstream's output cannot be
    /// split: no retry of this stage can change its upstream's output.
    private func split(_ body: () throws(ItemSplitError) -> [String]) throws(PipelineRunError) -> [String] {
        do {
            return try body()
        } catch {
            throw PipelineRunError(stage: stage.id, message: "cannot split the output of '\(forEach.from)': \(error)")
        }
    }

    func run() async throws {
        // Items wait for a free worker in a small buffer (the reader stays a few items ahead);
        // the joiner's buffer is larger, as every item sends it three messages or more.
        let start = ContinuousClock.now
        if stage.concurrency <= 1 {
            try await runInline()
        } else {
            let items = BoundedChannel<Item>(capacity: stage.concurrency)
            let joins = BoundedChannel<JoinEvent>(capacity: 64)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await read(into: items, joins: joins) }
                for _ in 0..<stage.concurrency {
                    group.addTask { try await work(items: items, joins: joins) }
                }
                group.addTask { try await join(joins) }
                // Not waitForAll(): it waits for every child even after one failed.
                while try await group.next() != nil {}
            }
        }
        try Task.checkCancellation()
        await events.send(.stageCompleted(stage: stage.id, elapsed: .now - start))
        store.publish(stage.id, output: fanout.retainWhole ? fanout.output ?? "" : "")
        fanout.finish()
    }

    /// `concurrency: 1`: reads, splits and runs the items in this task, one after another, so
    /// an item costs no hand-off between tasks (no reader, worker and joiner to wake).
    private func runInline() async throws {
        let id = stage.id
        let events = self.events
        let fanout = self.fanout
        let attempts = StageAttempts(stage: stage, agent: agent, events: events)
        var counts = ItemCounts(stage: id, events: events)
        var splitter = ItemSplitter(mode: forEach.split)
        var held: [String] = []
        var outputs: [String: String]?   // the whole upstreams' outputs, once they are ready
        var announced = false

        func runItem(_ text: String, outputs: [String: String]) async throws {
            let index = counts.started
            if !announced {
                announced = true
                await events.send(.stageStarted(stage: id, attempt: 1))
            }
            counts.started += 1
            counts.running = 1
            await counts.report()
            let values = plan.templateValues(input: input, stageOutputs: outputs, item: text, index: index)
            let endsWithNewline = Mutex<Bool?>(nil)
            try await attempts.run(input: stage.input.render(values), item: index) { chunk in
                try fanout.admit(chunk)
                await events.send(.stageChunk(stage: id, item: index, text: chunk))
                endsWithNewline.withLock { $0 = chunk.last == "\n" || chunk.last == "\r\n" }
                await fanout.forward(chunk)
            }
            try Task.checkCancellation()
            if endsWithNewline.withLock({ $0 }) == false { await fanout.forward("\n") }
            counts.running = 0
            counts.done += 1
            await counts.report()
        }

        for await chunk in upstream {
            let found = try split { () throws(ItemSplitError) in try splitter.push(chunk) }
            if found.isEmpty { continue }
            if outputs == nil, store.isComplete(wholeUpstreams) { outputs = try await store.wait(for: wholeUpstreams) }
            guard let ready = outputs else {
                held += found
                continue
            }
            for text in held { try await runItem(text, outputs: ready) }
            held.removeAll()
            for text in found { try await runItem(text, outputs: ready) }
        }
        try Task.checkCancellation()
        held += try split { () throws(ItemSplitError) in try splitter.finish() }
        let ready = try await store.wait(for: wholeUpstreams)
        for text in held { try await runItem(text, outputs: ready) }
        try Task.checkCancellation()
        counts.total = counts.started
        await counts.report()
        if !announced { await events.send(.stageStarted(stage: id, attempt: 1)) }
    }

    private func read(into items: BoundedChannel<Item>, joins: BoundedChannel<JoinEvent>) async throws {
        var splitter = ItemSplitter(mode: forEach.split)
        var held: [String] = []
        var next = 0
        var ready = store.isComplete(wholeUpstreams)
        for await chunk in upstream {
            let found = try split { () throws(ItemSplitError) in try splitter.push(chunk) }
            if found.isEmpty { continue }
            if !ready { ready = store.isComplete(wholeUpstreams) }
            if ready {
                for text in held + found {
                    await items.send(Item(index: next, text: text))
                    next += 1
                }
                held.removeAll()
            } else {
                held += found
            }
        }
        try Task.checkCancellation()
        held += try split { () throws(ItemSplitError) in try splitter.finish() }
        _ = try await store.wait(for: wholeUpstreams)
        for text in held {
            await items.send(Item(index: next, text: text))
            next += 1
        }
        try Task.checkCancellation()
        items.finish()
        await joins.send(.total(next))
    }

    private func work(items: BoundedChannel<Item>, joins: BoundedChannel<JoinEvent>) async throws {
        let outputs = try await store.wait(for: wholeUpstreams)
        let attempts = StageAttempts(stage: stage, agent: agent, events: events)
        for await item in items {
            await joins.send(.started(item.index))
            let values = plan.templateValues(input: input, stageOutputs: outputs, item: item.text, index: item.index)
            let index = item.index
            try await attempts.run(input: stage.input.render(values), item: index) { chunk in
                try fanout.admit(chunk)
                await joins.send(.chunk(index, chunk))
            }
            try Task.checkCancellation()
            await joins.send(.done(index))
        }
        try Task.checkCancellation()
    }

    private func join(_ joins: BoundedChannel<JoinEvent>) async throws {
        let id = stage.id
        let inOrder = forEach.order == .input
        var announced = false
        var counts = ItemCounts(stage: id, events: events)
        var head = 0                          // order: input — the item streaming live
        var finished = Set<Int>()             // finished items at or after head
        var held: [Int: [String]] = [:]       // output of items not yet passed on
        var endsWithNewline: [Int: Bool] = [:]

        func close(_ item: Int) async {
            if let last = endsWithNewline.removeValue(forKey: item), !last { await fanout.forward("\n") }
        }

        do {
            for await event in joins {
                switch event {
                case .started:
                    if !announced {
                        announced = true
                        await events.send(.stageStarted(stage: id, attempt: 1))
                    }
                    counts.running += 1
                    await counts.report()
                case .chunk(let item, let text):
                    await events.send(.stageChunk(stage: id, item: item, text: text))
                    endsWithNewline[item] = text.last == "\n" || text.last == "\r\n"
                    if inOrder && item == head {
                        await fanout.forward(text)
                    } else {
                        held[item, default: []].append(text)
                    }
                case .done(let item):
                    counts.running -= 1
                    counts.done += 1
                    if inOrder {
                        finished.insert(item)
                        while finished.contains(head) {
                            finished.remove(head)
                            for text in held.removeValue(forKey: head) ?? [] { await fanout.forward(text) }
                            await close(head)
                            head += 1
                            // The next item streams live from now on: pass on what it has so far.
                            if !finished.contains(head), let early = held.removeValue(forKey: head) {
                                for text in early { await fanout.forward(text) }
                            }
                        }
                    } else {
                        for text in held.removeValue(forKey: item) ?? [] { await fanout.forward(text) }
                        await close(item)
                    }
                    await counts.report()
                case .total(let n):
                    counts.total = n
                    await counts.report()
                }
                if let total = counts.total, counts.done >= total { break }
            }
        }
        try Task.checkCancellation()
        if !announced { await events.send(.stageStarted(stage: id, attempt: 1)) }
    }
}

/// A `for_each` stage's item counts and the progress they imply, reported as `stage.items` and
/// `stage.progress` at most every 50 ms (always when the total becomes known and when the last
/// item is done), so many small items do not flood the sink.
struct ItemCounts {
    let stage: String
    let events: EventEmitter
    /// Items started so far (the next item's index, when they run one at a time).
    var started = 0
    var running = 0
    var done = 0
    /// Known once the upstream has ended.
    var total: Int?
    private var progress = 0.0
    private var lastReport: ContinuousClock.Instant?
    private var reportedTotal: Int?

    init(stage: String, events: EventEmitter) {
        self.stage = stage
        self.events = events
    }

    mutating func report() async {
        let now = ContinuousClock.now
        let final = total != nil && done >= total!
        if !final, reportedTotal == total, let last = lastReport, now - last < .milliseconds(50) { return }
        lastReport = now
        reportedTotal = total
        await events.send(.stageItems(stage: stage, done: done, running: running, total: total))
        // Before the total is known, count half of a rough estimate (the progress never goes back).
        let p = total.map { $0 == 0 ? 1 : Double(done) / Double($0) } ?? 0.5 * Double(done) / Double(done + running + 1)
        if p > progress {
            progress = p
            // Zero items is a legal run, but rarely what the user hoped for: say so.
            let message = total == 0 ? "no items: the upstream's output split into none" : nil
            await events.send(.stageProgress(stage: stage, progress: p, message: message))
        }
    }
}

import AsyncAlgorithms

/// Runs a `for_each` stage: its agent once per item of the upstream's output, each item as
/// soon as the upstream has streamed it, up to `concurrency` items at once.
///
/// Three kinds of child task share one task group:
/// - the **reader** takes the upstream's chunks from a bounded channel, splits them into items
///   (``ItemSplitter``) and hands each item to a worker through a channel with no buffer, so
///   when every worker is busy the reader waits, and so does the upstream (no unbounded
///   buffer). Only while the stage's other (whole) inputs are not ready yet are items held,
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
    let upstream: AsyncChannel<String>
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

    func run() async throws {
        let items = AsyncChannel<Item>()
        let joins = AsyncChannel<JoinEvent>()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await read(into: items, joins: joins) }
            for _ in 0..<max(1, stage.concurrency) {
                group.addTask { try await work(items: items, joins: joins) }
            }
            group.addTask { try await join(joins) }
            // Not waitForAll(): it waits for every child even after one failed.
            while try await group.next() != nil {}
        }
        try Task.checkCancellation()
        await events.send(.stageCompleted(stage: stage.id, elapsed: .now - start))
        store.publish(stage.id, output: fanout.retainWhole ? fanout.output ?? "" : "")
        fanout.finish()
    }

    private func read(into items: AsyncChannel<Item>, joins: AsyncChannel<JoinEvent>) async throws {
        var splitter = ItemSplitter(mode: forEach.split)
        var held: [String] = []
        var next = 0
        var ready = store.isComplete(wholeUpstreams)
        for await chunk in upstream {
            let found = splitter.push(chunk)
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
        held += splitter.finish()
        _ = try await store.wait(for: wholeUpstreams)
        for text in held {
            await items.send(Item(index: next, text: text))
            next += 1
        }
        try Task.checkCancellation()
        items.finish()
        await joins.send(.total(next))
    }

    private func work(items: AsyncChannel<Item>, joins: AsyncChannel<JoinEvent>) async throws {
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

    private func join(_ joins: AsyncChannel<JoinEvent>) async throws {
        let id = stage.id
        let inOrder = forEach.order == .input
        var announced = false
        var total: Int?
        var done = 0
        var running = 0
        var head = 0                          // order: input — the item streaming live
        var finished = Set<Int>()             // finished items at or after head
        var held: [Int: [String]] = [:]       // output of items not yet passed on
        var endsWithNewline: [Int: Bool] = [:]
        var progress = 0.0

        func close(_ item: Int) async {
            if let last = endsWithNewline.removeValue(forKey: item), !last { await fanout.forward("\n") }
        }

        var lastReport: ContinuousClock.Instant?
        var reportedTotal: Int?
        /// Item counts and progress, at most every 50 ms (always when the total becomes known
        /// and when the last item is done), so many small items do not flood the sink.
        func report() async {
            let now = ContinuousClock.now
            let final = total != nil && done >= total!
            if !final, reportedTotal == total, let last = lastReport, now - last < .milliseconds(50) { return }
            lastReport = now
            reportedTotal = total
            await events.send(.stageItems(stage: id, done: done, running: running, total: total))
            // Before the total is known, count half of a rough estimate (the progress never goes back).
            let p = total.map { $0 == 0 ? 1 : Double(done) / Double($0) } ?? 0.5 * Double(done) / Double(done + running + 1)
            if p > progress {
                progress = p
                await events.send(.stageProgress(stage: id, progress: p, message: nil))
            }
        }

        do {
            for await event in joins {
                switch event {
                case .started:
                    if !announced {
                        announced = true
                        await events.send(.stageStarted(stage: id, attempt: 1))
                    }
                    running += 1
                    await report()
                case .chunk(let item, let text):
                    await events.send(.stageChunk(stage: id, item: item, text: text))
                    endsWithNewline[item] = text.last == "\n" || text.last == "\r\n"
                    if inOrder && item == head {
                        await fanout.forward(text)
                    } else {
                        held[item, default: []].append(text)
                    }
                case .done(let item):
                    running -= 1
                    done += 1
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
                    await report()
                case .total(let n):
                    total = n
                    await report()
                }
                if let total, done >= total { break }
            }
        }
        try Task.checkCancellation()
        if !announced { await events.send(.stageStarted(stage: id, attempt: 1)) }
    }
}

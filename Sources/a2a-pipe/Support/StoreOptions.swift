import A2APipe
import A2ASQLiteStore
import A2AServer
import ArgumentParser
import Logging
import ServiceLifecycle

/// Where a served agent keeps its tasks, and for how long (`serve`, `agent`).
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "Where tasks are kept: memory (lost on exit), or sqlite:PATH, a file that survives restarts; tasks running when the server died are then marked failed.",
            valueName: "memory|sqlite:PATH"))
    var store = "memory"

    @Option(name: .customLong("max-tasks"), help: "Keep at most this many tasks; beyond it the oldest finished ones are deleted (running ones never).")
    var maxTasks = 10_000

    @Option(
        name: .customLong("max-store-bytes"),
        help: ArgumentHelp(
            "With --store memory: keep finished tasks up to about this many bytes of text and data (bytes, or with KiB/MiB/GiB); beyond it the oldest finished ones are deleted (running ones never, nor the newest finished one).",
            valueName: "size"))
    var maxStoreBytes = ByteSize(InMemoryTaskStore.defaultMaxFinishedBytes)

    @Option(
        name: .customLong("task-ttl"),
        help: ArgumentHelp("Forget a finished task this long after it finished (ms, s, m or h: 30m, 24h).", valueName: "duration"))
    var taskTTL = "24h"

    /// What `--store` names.
    enum Kind: Equatable {
        case memory
        case sqlite(path: String)
    }

    var kind: Kind {
        get throws {
            if store == "memory" { return .memory }
            if store.hasPrefix("sqlite:") {
                let path = String(store.dropFirst("sqlite:".count))
                guard !path.isEmpty else { throw ValidationError("--store sqlite: needs a file path, as in --store sqlite:tasks.db") }
                return .sqlite(path: path)
            }
            throw ValidationError("--store must be memory or sqlite:PATH, not '\(store)'")
        }
    }

    var ttl: Duration {
        get throws {
            guard let d = DurationFormat.parse(taskTTL), d > .zero else {
                throw ValidationError("--task-ttl must be a duration such as 30m or 24h, not '\(taskTTL)'")
            }
            return d
        }
    }

    func validate() throws {
        _ = try kind
        _ = try ttl
        guard maxTasks >= 1 else { throw ValidationError("--max-tasks must be at least 1") }
        guard maxStoreBytes.bytes > 0 else { throw ValidationError("--max-store-bytes must be positive") }
    }

    /// The store and its service, or the error on stderr and exit 1 (an unopenable file).
    func openStore(logger: Logger) async throws -> (store: any TaskStore, durable: SQLiteTaskStore?) {
        do {
            return try await makeStore(logger: logger)
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }
    }

    /// The store, and the service that must run beside the server when it is a SQLite file.
    func makeStore(logger: Logger) async throws -> (store: any TaskStore, durable: SQLiteTaskStore?) {
        switch try kind {
        case .memory:
            return (InMemoryTaskStore(maxTasks: maxTasks, finishedTaskTTL: try ttl, maxFinishedBytes: maxStoreBytes.bytes), nil)
        case .sqlite(let path):
            let store = try await SQLiteTaskStore.open(path: path, maxTasks: maxTasks, finishedTaskTTL: try ttl, logger: logger)
            let interrupted = await store.interruptedAtOpen
            if !interrupted.isEmpty {
                Terminal.err("\(interrupted.count) task(s) were running when the server stopped; marked failed: \(interrupted.joined(separator: ", "))\n")
            }
            return (store, store)
        }
    }
}

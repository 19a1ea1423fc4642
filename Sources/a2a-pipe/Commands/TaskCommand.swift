import A2A
import A2AClient
import ArgumentParser

/// `a2a-pipe task get|watch|cancel URL TASK_ID`: the seed's task-based streaming.
struct TaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Read a task, follow it live, or cancel it.",
        subcommands: [Get.self, Watch.self, Cancel.self]
    )

    struct Target: ParsableArguments {
        @Argument(help: "The agent's base URL.")
        var url: String
        @Argument(help: "The task id.")
        var taskId: String
        @Flag(help: "Print JSON (A2A 1.0 encoding).")
        var json = false
        @OptionGroup var client: ClientOptions
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a task's output (stdout) and state (stderr).")
        @OptionGroup var target: Target

        func run() async throws {
            let agent = try target.client.makeClient(url: target.url)
            let (id, json) = (target.taskId, target.json)
            try await runReportingErrors {
                let task = try await agent.getTask(id: id)
                if json {
                    Terminal.out(JSONWriter.string(WireEncoder(.v1_0).task(task)) + "\n")
                    return
                }
                Terminal.err("task \(task.id) (context \(task.contextId)): \(task.status.state.v03Name)\(task.status.message.map { ": \($0.text)" } ?? "")\n")
                let text = task.artifactText
                Terminal.out(text.isEmpty || text.hasSuffix("\n") ? text : text + "\n")
            }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Follow a task live until it ends, re-attaching if the stream drops.")
        @OptionGroup var target: Target

        func run() async throws {
            let agent = try target.client.makeClient(url: target.url)
            let (id, json, url) = (target.taskId, target.json, target.url)
            try await runReportingErrors {
                var printer = StreamPrinter(json: json)
                try await follow(agent, taskId: id, printer: &printer, initial: nil, attempts: 10)
                try printer.finish(url: url)
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a task.")
        @OptionGroup var target: Target

        func run() async throws {
            let agent = try target.client.makeClient(url: target.url)
            let (id, json) = (target.taskId, target.json)
            try await runReportingErrors {
                let task = try await agent.cancelTask(id: id)
                if json {
                    Terminal.out(JSONWriter.string(WireEncoder(.v1_0).task(task)) + "\n")
                } else {
                    Terminal.out("task \(task.id): \(task.status.state.v03Name)\n")
                }
            }
        }
    }
}

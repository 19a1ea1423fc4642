import A2A
import A2AClient
import ArgumentParser

/// `a2a-pipe card URL`: what an agent says about itself, and how a2a-pipe would talk to it.
struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Fetch and show an agent card and the dialect a2a-pipe would use.",
        discussion: "The dialect is named as --protocol names it: a2a-1.0, a2a-0.3 or python-a2a."
    )

    @Argument(help: "The agent's base URL, or the URL of its card.")
    var url: String

    @Flag(help: "Print the normalised card as JSON (A2A 1.0 shape) with the chosen dialect.")
    var json = false

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let agent = try client.makeClient(url: url)
        let json = self.json
        try await runReportingErrors {
            let found = try await agent.discover()
            if json {
                let out: JSONValue = [
                    "cardUrl": .string(found.cardURL),
                    "dialect": .string(found.endpoint.dialect.rawValue),
                    "endpoint": .string(found.endpoint.url),
                    "card": WireEncoder(.v1_0).agentCard(found.card),
                ]
                Terminal.out(JSONWriter.string(out) + "\n")
                return
            }
            Terminal.out(Self.render(found))
        }
    }

    static func render(_ found: AgentDiscovery) -> String {
        let card = found.card
        var lines: [(String, String)] = [
            ("name", card.name),
            ("description", card.description),
            ("version", card.version),
            ("card", found.cardURL),
            ("dialect", "\(found.endpoint.dialect.rawValue) at \(found.endpoint.url)"),
        ]
        for (i, interface) in card.supportedInterfaces.enumerated() {
            lines.append((i == 0 ? "interfaces" : "", "\(interface.protocolBinding) \(interface.protocolVersion) \(interface.url)"))
        }
        func yesNo(_ b: Bool?) -> String { b.map { $0 ? "yes" : "no" } ?? "not stated" }
        lines.append(("streaming", yesNo(card.capabilities.streaming) + (card.isPythonA2A ? " (python-a2a cards are unreliable here)" : "")))
        lines.append(("push", yesNo(card.capabilities.pushNotifications)))
        for (i, ext) in card.capabilities.extensions.enumerated() {
            lines.append((i == 0 ? "extensions" : "", ext.uri + (ext.required ? " (required)" : "")))
        }
        lines.append(("input", card.defaultInputModes.joined(separator: ", ")))
        lines.append(("output", card.defaultOutputModes.joined(separator: ", ")))
        if card.skills.isEmpty { lines.append(("skills", "none listed")) }
        for (i, skill) in card.skills.enumerated() {
            lines.append((i == 0 ? "skills" : "", "\(skill.id): \(skill.description.isEmpty ? skill.name : skill.description)"))
        }
        if let p = card.provider { lines.append(("provider", p.organization + (p.url.map { " \($0)" } ?? ""))) }
        if card.securitySchemes != nil { lines.append(("security", (card.securitySchemes?.keys ?? []).joined(separator: ", "))) }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { key, value in
            let label = key.isEmpty ? String(repeating: " ", count: width + 1) : key + ":" + String(repeating: " ", count: width - key.count)
            return "\(label) \(value)\n"
        }.joined()
    }
}

import A2APipe
import ArgumentParser

/// `a2a-pipe schema`: prints the JSON Schema of pipeline files.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of pipeline files (for editor completion and checks).",
        discussion: """
            Put '# yaml-language-server: $schema=PATH' on the first line of a \
            pipeline file, PATH being this schema (docs/pipeline.schema.json in \
            the repository, relative to the file), so editors using \
            yaml-language-server complete and check it.
            """
    )

    func run() async throws {
        print(PipelineSchema.json(), terminator: "")
    }
}

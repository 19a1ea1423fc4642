import Foundation

/// Reads a pipeline file (and every pipeline it nests), validates it and
/// plans it. Problems come back as diagnostics, all of them at once, sorted
/// by file, line and column; a ``Plan`` comes back only for a valid file.
///
/// ```swift
/// let result = PipelineLoader().load(path: "research.yaml", overrides: ["corpus": "docs"])
/// for diagnostic in result.diagnostics { print(diagnostic) }
/// guard let plan = result.plan else { exit(2) }
/// ```
public struct PipelineLoader: Sendable {
    /// The built-in agents `builtin:` may name.
    public var catalog: BuiltinAgentCatalog

    /// Creates a loader.
    public init(catalog: BuiltinAgentCatalog = .standard) {
        self.catalog = catalog
    }

    /// Loads, validates and plans the pipeline file at `path`.
    ///
    /// - Parameters:
    ///   - path: The file, as given on the command line; diagnostics show it as is.
    ///   - overrides: `--set name=value` values for the file's params.
    ///   - environment: Where `${VAR}` is read (default: the process environment).
    public func load(
        path: String,
        overrides: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PipelineLoadResult {
        var session = Session(catalog: catalog, environment: environment)
        let unit = session.loadRoot(path: path, text: nil, overrides: overrides)
        return PipelineLoadResult(spec: unit.spec, plan: unit.plan, diagnostics: session.diagnostics.sorted())
    }

    /// Validates and plans pipeline text as if it were the file at `path`
    /// (nested `pipeline:` files are still read relative to `path`).
    public func load(
        text: String,
        path: String,
        overrides: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PipelineLoadResult {
        var session = Session(catalog: catalog, environment: environment)
        let unit = session.loadRoot(path: path, text: text, overrides: overrides)
        return PipelineLoadResult(spec: unit.spec, plan: unit.plan, diagnostics: session.diagnostics.sorted())
    }

    /// Loads, validates and plans `path` with the standard catalog.
    public static func load(
        path: String,
        overrides: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PipelineLoadResult {
        PipelineLoader().load(path: path, overrides: overrides, environment: environment)
    }

    /// One file's outcome within a load.
    private struct Unit {
        var spec: PipelineSpec?
        var plan: Plan?
    }

    /// The state of one load: files already read (a file nested twice is read
    /// once) and the chain of files being read (to detect a file that nests itself).
    private struct Session {
        let catalog: BuiltinAgentCatalog
        let environment: [String: String]
        var diagnostics: [Diagnostic] = []
        var loaded: [String: Unit] = [:]
        var chain: [(absolute: String, display: String)] = []

        init(catalog: BuiltinAgentCatalog, environment: [String: String]) {
            self.catalog = catalog
            self.environment = environment
        }

        mutating func loadRoot(path: String, text: String?, overrides: [String: String]) -> Unit {
            let source: SourceFile
            if let text {
                source = SourceFile(path: path, text: text)
            } else {
                switch Self.read(path) {
                case .success(let text): source = SourceFile(path: path, text: text)
                case .failure(let problem):
                    diagnostics.append(problem.diagnostic(path: path, at: SourceLocation(file: path, line: 1, column: 1), mention: path))
                    return Unit()
                }
            }
            return load(source, overrides: overrides)
        }

        private mutating func load(_ source: SourceFile, overrides: [String: String]) -> Unit {
            let absolute = PipelinePath.absolute(source.path)
            chain.append((absolute, source.path))
            defer { chain.removeLast() }
            let (root, syntaxProblems) = SyntaxTreeBuilder.parse(source)
            diagnostics.append(contentsOf: syntaxProblems)
            guard let root else { return Unit() }
            var decoder = SpecDecoder(source: source)
            let spec = decoder.decodePipeline(root)
            diagnostics.append(contentsOf: decoder.diagnostics)

            var nested: [String: PipelineValidator.Nested] = [:]
            for agent in spec.agents {
                guard let located = agent.source, case .pipeline(let path) = located.value else { continue }
                let unit = loadNested(path: path, at: located.location, includer: source.path)
                nested[agent.id.value] = .init(paramNames: unit?.spec.map { $0.params.map(\.name.value) }, plan: unit?.plan, path: path)
            }
            var validator = PipelineValidator(spec: spec, catalog: catalog, environment: environment, overrides: overrides, nested: nested)
            validator.warnsAboutUnreachableStages = !decoder.diagnostics.containsErrors
            let (problems, plan) = validator.run()
            diagnostics.append(contentsOf: problems)
            let fileHasErrors = decoder.diagnostics.containsErrors || problems.containsErrors
            return Unit(spec: spec, plan: fileHasErrors ? nil : plan)
        }

        private mutating func loadNested(path: String, at location: SourceLocation, includer: String) -> Unit? {
            let display = PipelinePath.resolve(path, relativeTo: includer)
            let absolute = PipelinePath.absolute(display)
            if let start = chain.firstIndex(where: { $0.absolute == absolute }) {
                let names = chain[start...].map(\.display) + [display]
                diagnostics.append(.error("pipeline file '\(path)' includes itself: \(names.joined(separator: " -> ")); a pipeline cannot nest itself", at: location))
                return nil
            }
            if let unit = loaded[absolute] { return unit }
            let unit: Unit
            switch Self.read(display) {
            case .success(let text):
                unit = load(SourceFile(path: display, text: text), overrides: [:])
            case .failure(let problem):
                diagnostics.append(problem.diagnostic(path: display, at: location, mention: path))
                unit = Unit()
            }
            loaded[absolute] = unit
            return unit
        }

        enum ReadProblem: Error {
            case missing, unreadable, notUTF8(line: Int, column: Int)

            func diagnostic(path: String, at location: SourceLocation, mention: String) -> Diagnostic {
                switch self {
                case .missing:
                    let hint = path == mention ? "check the path" : "paths after 'pipeline:' are relative to the including file's folder"
                    return .error("cannot read pipeline file '\(mention)': no such file; \(hint)", at: location)
                case .unreadable:
                    return .error("cannot read pipeline file '\(mention)'; check that it is a readable file", at: location)
                case .notUTF8(let line, let column):
                    return .error("'\(mention)' is not UTF-8 text (invalid byte here); save the file as UTF-8", at: SourceLocation(file: path, line: line, column: column))
                }
            }
        }

        static func read(_ path: String) -> Result<String, ReadProblem> {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .failure(.missing) }
            guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else { return .failure(.unreadable) }
            return decode(data)
        }

        static func decode(_ data: Data) -> Result<String, ReadProblem> {
            if let text = String(validating: data, as: UTF8.self) { return .success(text) }
            // Find the first invalid byte.
            var offset = 0
            var iterator = data.makeIterator()
            var decoder = UTF8()
            loop: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): offset += UTF8.width(scalar)
                case .emptyInput: break loop
                case .error: break loop
                }
            }
            let valid = String(decoding: data.prefix(offset), as: UTF8.self)
            let lines = valid.split(separator: "\n", omittingEmptySubsequences: false)
            return .failure(.notUTF8(line: lines.count, column: (lines.last?.unicodeScalars.count ?? 0) + 1))
        }
    }
}

/// The outcome of loading a pipeline file.
public struct PipelineLoadResult: Sendable {
    /// The file as written, when it could be read as YAML.
    public var spec: PipelineSpec?
    /// The plan, when the file and every file it nests are valid.
    public var plan: Plan?
    /// Errors and warnings of the file and every file it nests, sorted by file, line and column.
    public var diagnostics: [Diagnostic]

    /// Whether the pipeline can run (warnings do not count).
    public var isValid: Bool { plan != nil && !diagnostics.containsErrors }
    /// The errors.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    /// The warnings.
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}

import A2APipe
import Foundation
import Testing

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Feeds hundreds of mutated valid files to the loader: each must end in a
/// plan or in located diagnostics, never a crash or a hang.
@Suite struct RobustnessTests {
    static let mutationsPerFile = 80

    enum Mutation: CaseIterable {
        case deleteLine, duplicateLine, swapLines, swapKeys, wrongType, randomBytes, truncate, indent, insertPunctuation
    }

    static func mutate(_ text: String, _ mutation: Mutation, using rng: inout SeededGenerator) -> Data {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return Data(text.utf8) }
        let i = Int.random(in: 0..<lines.count, using: &rng)
        let j = Int.random(in: 0..<lines.count, using: &rng)
        switch mutation {
        case .deleteLine:
            lines.remove(at: i)
        case .duplicateLine:
            lines.insert(lines[i], at: j)
        case .swapLines:
            lines.swapAt(i, j)
        case .swapKeys:
            // Swap the key of one "key: value" line with another's.
            func split(_ line: String) -> (String, String)? {
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), String(line[colon...]))
            }
            if let (keyA, restA) = split(lines[i]), let (keyB, restB) = split(lines[j]) {
                lines[i] = keyB.trimmingCharacters(in: .whitespaces).isEmpty ? lines[i] : keyA.prefix { $0 == " " } + keyB.trimmingCharacters(in: .whitespaces) + restA
                lines[j] = keyB.prefix { $0 == " " } + keyA.trimmingCharacters(in: .whitespaces) + restB
            }
        case .wrongType:
            let replacements = ["[1, 2]", "{ a: b }", "42", "-1", "0", "true", "null", "\"\"", "5 mins", "{{ input", "${NOPE}", "~", "'x'"]
            if let colon = lines[i].firstIndex(of: ":") {
                lines[i] = lines[i][...colon] + " " + replacements.randomElement(using: &rng)!
            }
        case .randomBytes:
            var data = Data(lines.joined(separator: "\n").utf8)
            for _ in 0..<Int.random(in: 1...8, using: &rng) where !data.isEmpty {
                data[Int.random(in: 0..<data.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            return data
        case .truncate:
            let data = Data(text.utf8)
            return data.prefix(Int.random(in: 0...data.count, using: &rng))
        case .indent:
            lines[i] = String(repeating: " ", count: Int.random(in: 1...5, using: &rng)) + lines[i]
        case .insertPunctuation:
            let marks = [":", "-", "[", "{", "}", "]", "&a", "*a", "!!int", "|", ">", "#", "'", "\"", "{{", "}}", "\t", "? "]
            var line = Array(lines[i])
            line.insert(contentsOf: marks.randomElement(using: &rng)!, at: Int.random(in: 0...line.count, using: &rng))
            lines[i] = String(line)
        }
        return Data(lines.joined(separator: "\n").utf8)
    }

    @Test(arguments: Fixtures.names(in: Fixtures.valid))
    func mutatedFilesNeverCrash(_ name: String) throws {
        let original = try String(contentsOf: Fixtures.valid.appendingPathComponent(name), encoding: .utf8)
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: name.utf8.reduce(5381) { ($0 << 5) &+ $0 &+ Int($1) }))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("a2a-pipe-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Nested files resolve relative to the mutated file: give them a copy of nested/.
        try? FileManager.default.copyItem(at: Fixtures.valid.appendingPathComponent("nested"), to: directory.appendingPathComponent("nested"))
        let clock = ContinuousClock()
        for round in 0..<Self.mutationsPerFile {
            let mutation = Mutation.allCases[round % Mutation.allCases.count]
            var data = Self.mutate(original, mutation, using: &rng)
            if round % 7 == 6 {  // stack a second mutation now and then
                let text = String(decoding: data, as: UTF8.self)
                data = Self.mutate(text, Mutation.allCases.randomElement(using: &rng)!, using: &rng)
            }
            let file = directory.appendingPathComponent("mutant-\(round).yaml")
            try data.write(to: file)
            let start = clock.now
            let result = PipelineLoader().load(path: file.path, environment: Fixtures.environment)
            #expect(clock.now - start < .seconds(30), "a hang guard: \(name) round \(round) (\(mutation)) took too long")
            if result.plan == nil {
                #expect(result.diagnostics.containsErrors, "\(name) round \(round): no plan and no error")
            } else {
                #expect(!result.diagnostics.containsErrors)
            }
            for diagnostic in result.diagnostics {
                #expect(diagnostic.location.line >= 1 && diagnostic.location.column >= 1)
                #expect(diagnostic.location.file.hasPrefix(directory.path))
                #expect(!diagnostic.message.isEmpty && !diagnostic.message.contains("\n"), "\(diagnostic)")
            }
        }
    }

    @Test func binaryAndEmptyFilesAreReported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("a2a-pipe-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = directory.appendingPathComponent("binary.yaml")
        try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x0A, 0x20, 0xFF, 0xFE, 0x00]).write(to: binary)
        #expect(PipelineLoader().load(path: binary.path).diagnostics.map(\.description) == [
            "\(binary.path):2:2: error: '\(binary.path)' is not UTF-8 text (invalid byte here); save the file as UTF-8",
        ])
        let empty = directory.appendingPathComponent("empty.yaml")
        try Data().write(to: empty)
        #expect(PipelineLoader().load(path: empty.path).diagnostics.map(\.description) == [
            "\(empty.path):1:1: error: the file is empty; a pipeline needs at least name, agents and stages",
        ])
        let missing = directory.appendingPathComponent("missing.yaml")
        #expect(PipelineLoader().load(path: missing.path).diagnostics.count == 1)
        let deep = String(repeating: "[", count: 5000)
        #expect(PipelineLoader().load(text: "name: \(deep)", path: "deep.yaml").diagnostics.map(\.description) == [
            "deep.yaml:1:71: error: the file nests lists or mappings more than 64 levels deep; flatten it",
        ])
    }
}

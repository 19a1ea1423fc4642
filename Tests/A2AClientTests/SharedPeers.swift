import Foundation
import PeerSupport
import Synchronization

/// Peers started once per test process and shared by the tests that need them (python-a2a
/// takes seconds to start). They exit with the test process (`PEER_EXIT_WITH_PARENT`).
actor SharedPeers {
    static let shared = SharedPeers()

    private var started: [PeerKind: Task<Peer, any Error>] = [:]
    private let cancelLog: URL = FileManager.default.temporaryDirectory
        .appendingPathComponent("a2a-pipe-cancel-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).log")

    /// The file the SDK peers append cancelled task ids to.
    nonisolated var cancelLogURL: URL { cancelLog }

    func peer(_ kind: PeerKind) async throws -> Peer {
        if let existing = started[kind] { return try await existing.value }
        let log = cancelLog.path
        let task = Task { try await Peer.start(kind, environment: ["PEER_CANCEL_LOG": log]) }
        started[kind] = task
        return try await task.value
    }

    /// Task ids the SDK peers have been asked to cancel.
    nonisolated func cancelledTaskIds() -> [String] {
        guard let text = try? String(contentsOf: cancelLog, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).map(String.init)
    }
}

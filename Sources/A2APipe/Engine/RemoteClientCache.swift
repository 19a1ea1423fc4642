import A2A
import A2AClient
import Synchronization

/// The ``A2AClient`` of each remote agent, kept across the runs of one served pipeline, so a
/// run does not fetch the agent's card again (one round trip per hop per run) and a dialect
/// fallback learnt once is remembered.
///
/// An entry lives `lifetime` (30 s by default) and is dropped at once when a call through it
/// fails, so an agent restarted at the same URL with another card is read afresh. At most
/// `capacity` clients are kept. ``EngineConfiguration/remoteClients`` is `nil` unless a server
/// sets it: `a2a-pipe run` makes one run per process.
public final class RemoteClientCache: Sendable {
    private struct Entry {
        var client: A2AClient
        var created: ContinuousClock.Instant
    }

    /// How long a client is reused.
    public let lifetime: Duration
    /// How many clients are kept at most.
    public let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    public init(lifetime: Duration = .seconds(30), capacity: Int = 256) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    /// The client for `url` with this configuration: the kept one while it is fresh, else a new one.
    func client(url: String, configuration: A2AClientConfiguration) -> A2AClient {
        let key = Self.key(url: url, configuration: configuration)
        let now = ContinuousClock.now
        return entries.withLock { map in
            if let e = map[key], now - e.created < lifetime { return e.client }
            if map.count >= capacity {
                map = map.filter { now - $0.value.created < lifetime }
                if map.count >= capacity { map.removeAll() }
            }
            let client = A2AClient(url: url, configuration: configuration)
            map[key] = Entry(client: client, created: now)
            return client
        }
    }

    /// Forgets `client` (a call through it failed).
    func evict(_ client: A2AClient) {
        let key = Self.key(url: client.url, configuration: client.configuration)
        entries.withLock { map in
            if map[key]?.client === client { map[key] = nil }
        }
    }

    /// How many clients are kept (for tests).
    public var count: Int { entries.withLock { $0.count } }

    static func key(url: String, configuration c: A2AClientConfiguration) -> String {
        var key = "\(url)\u{0}\(c.dialect?.rawValue ?? "auto")\u{0}\(c.idleTimeout)\u{0}\(c.maxResponseBytes)\u{0}\(c.maxEventBytes)"
        for h in c.headers { key += "\u{0}\(h.name)\u{1}\(h.value)" }
        return key
    }
}

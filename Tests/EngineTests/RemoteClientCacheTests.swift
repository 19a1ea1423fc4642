import A2AClient
@testable import A2APipe
import Testing

/// The remote agents' clients a served pipeline keeps across runs.
@Suite("Remote client cache")
struct RemoteClientCacheTests {
    @Test("the same agent and settings get the same client; other headers or a failure get a new one")
    func reuseAndEvict() {
        let cache = RemoteClientCache()
        let config = A2AClientConfiguration(headers: [(name: "Authorization", value: "Bearer a")])
        let a = cache.client(url: "http://127.0.0.1:1/", configuration: config)
        #expect(cache.client(url: "http://127.0.0.1:1/", configuration: config) === a)
        let other = A2AClientConfiguration(headers: [(name: "Authorization", value: "Bearer b")])
        #expect(cache.client(url: "http://127.0.0.1:1/", configuration: other) !== a)
        #expect(cache.client(url: "http://127.0.0.1:2/", configuration: config) !== a)
        cache.evict(a)
        #expect(cache.client(url: "http://127.0.0.1:1/", configuration: config) !== a)
    }

    @Test("a client is reused only for its lifetime, and the cache stays within its capacity")
    func lifetimeAndCapacity() {
        let expiring = RemoteClientCache(lifetime: .zero)
        let a = expiring.client(url: "http://127.0.0.1:1/", configuration: .init())
        #expect(expiring.client(url: "http://127.0.0.1:1/", configuration: .init()) !== a)

        let small = RemoteClientCache(capacity: 3)
        for port in 1...10 { _ = small.client(url: "http://127.0.0.1:\(port)/", configuration: .init()) }
        #expect(small.count <= 3)
    }
}

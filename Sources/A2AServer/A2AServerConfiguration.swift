/// How an ``A2AServer`` listens and what it allows.
public struct A2AServerConfiguration: Sendable {
    /// The address to bind.
    public var host: String
    /// The port to bind; 0 picks a free one (see ``A2AServer/waitUntilRunning()``).
    public var port: Int
    /// The URL the card advertises; default `http://host:port/` with the bound port.
    public var publicURL: String?
    /// The largest request body accepted; larger ones are refused with HTTP 413 before they
    /// are read whole.
    public var maxRequestBodyBytes: Int
    /// Send `: keep-alive` on a stream after this much silence.
    public var keepAliveInterval: Duration
    /// Events queued per stream subscriber before the agent has to wait (see ``TaskRun``).
    public var subscriberBufferCapacity: Int
    /// A subscriber whose queue stays full this long is dropped.
    public var slowSubscriberTimeout: Duration
    /// Tasks kept by the default in-memory store (finished ones are evicted first).
    public var maxStoredTasks: Int
    /// The byte budget of the default in-memory store for finished tasks (oldest evicted first).
    public var maxStoredBytes: Int
    /// How long the default store keeps a finished task.
    public var finishedTaskTTL: Duration
    /// How long python-a2a `message_id`s are remembered to join retries to their run.
    public var legacyDeduplicationWindow: Duration
    /// How many python-a2a `message_id`s are remembered at most.
    public var legacyDeduplicationCapacity: Int
    /// The `Cache-Control` header of the agent card.
    public var cardCacheControl: String
    /// How long an agent that asked for input (``TaskUpdater/askForInput(_:metadata:)``) waits
    /// for the client's answer before the task fails (default 30 minutes).
    public var inputTimeout: Duration
    /// Documents served at `GET` paths beside the A2A routes (e.g. the web page of
    /// `a2a-pipe serve` at `/`); none by default.
    public var staticResources: [StaticResource] = []
    /// The bearer tokens accepted; `nil` (the default) serves everyone. With tokens, every
    /// request except `GET`/`HEAD` of a public path (the card, ``staticResources``,
    /// ``publicPaths``) needs
    /// `Authorization: Bearer <token>`, else it gets HTTP 401 (docs/server.md, "Security").
    /// The card then declares the bearer scheme.
    public var authentication: BearerTokens?
    /// Paths served without a token when ``authentication`` is set, besides the card's: exact
    /// paths, or prefixes ending in `*` (`/assets/*`). `GET`/`HEAD` only.
    public var publicPaths: [String]
    /// The most task runs in progress at once (running, not yet settled). A new task beyond it
    /// is refused at once with HTTP 503, `Retry-After: 1` and JSON-RPC -32603 ("The server is
    /// busy…"); nothing is queued. A run paused in ``TaskUpdater/askForInput(_:metadata:)``
    /// counts until it settles; the answer that resumes it does not start another run.
    public var maxConcurrentRuns: Int

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        publicURL: String? = nil,
        maxRequestBodyBytes: Int = 4 << 20,
        keepAliveInterval: Duration = .seconds(15),
        subscriberBufferCapacity: Int = 512,
        slowSubscriberTimeout: Duration = .seconds(30),
        maxStoredTasks: Int = 10_000,
        maxStoredBytes: Int = InMemoryTaskStore.defaultMaxFinishedBytes,
        finishedTaskTTL: Duration = .seconds(3600),
        legacyDeduplicationWindow: Duration = .seconds(120),
        legacyDeduplicationCapacity: Int = 1024,
        cardCacheControl: String = "public, max-age=300",
        inputTimeout: Duration = .seconds(1800),
        authentication: BearerTokens? = nil,
        publicPaths: [String] = [],
        maxConcurrentRuns: Int = 256
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.keepAliveInterval = keepAliveInterval
        self.subscriberBufferCapacity = subscriberBufferCapacity
        self.slowSubscriberTimeout = slowSubscriberTimeout
        self.maxStoredTasks = maxStoredTasks
        self.maxStoredBytes = maxStoredBytes
        self.finishedTaskTTL = finishedTaskTTL
        self.legacyDeduplicationWindow = legacyDeduplicationWindow
        self.legacyDeduplicationCapacity = legacyDeduplicationCapacity
        self.cardCacheControl = cardCacheControl
        self.inputTimeout = inputTimeout
        self.authentication = authentication
        self.publicPaths = publicPaths
        self.maxConcurrentRuns = maxConcurrentRuns
    }
}

/// An agent's self-description, normalised from whichever A2A version served it.
public struct AgentCard: Sendable, Equatable {
    public var name: String
    public var description: String
    public var version: String
    /// Interfaces in order of preference. For a 0.3 card these are synthesised from `url`,
    /// `preferredTransport`, `protocolVersion` and `additionalInterfaces` (a2a-wire.md §1.2).
    public var supportedInterfaces: [AgentInterface]
    public var capabilities: AgentCapabilities
    public var defaultInputModes: [String]
    public var defaultOutputModes: [String]
    public var skills: [AgentSkill]
    public var provider: AgentProvider?
    public var documentationUrl: String?
    public var iconUrl: String?
    /// Security schemes as sent (their shape differs between 1.0 and 0.3).
    public var securitySchemes: JSONObject?
    /// Security requirements as sent (1.0 `securityRequirements`, 0.3 `security`).
    public var securityRequirements: [JSONValue]
    /// The card carries python-a2a's capability flags (`google_a2a_compatible`,
    /// `parts_array_format`): the peer speaks python-a2a whatever else it claims.
    public var isPythonA2A: Bool

    public init(
        name: String,
        description: String,
        version: String,
        supportedInterfaces: [AgentInterface],
        capabilities: AgentCapabilities = AgentCapabilities(),
        defaultInputModes: [String] = ["text/plain"],
        defaultOutputModes: [String] = ["text/plain"],
        skills: [AgentSkill] = [],
        provider: AgentProvider? = nil,
        documentationUrl: String? = nil,
        iconUrl: String? = nil,
        securitySchemes: JSONObject? = nil,
        securityRequirements: [JSONValue] = [],
        isPythonA2A: Bool = false
    ) {
        self.name = name
        self.description = description
        self.version = version
        self.supportedInterfaces = supportedInterfaces
        self.capabilities = capabilities
        self.defaultInputModes = defaultInputModes
        self.defaultOutputModes = defaultOutputModes
        self.skills = skills
        self.provider = provider
        self.documentationUrl = documentationUrl
        self.iconUrl = iconUrl
        self.securitySchemes = securitySchemes
        self.securityRequirements = securityRequirements
        self.isPythonA2A = isPythonA2A
    }
}

/// A URL at which an agent speaks one protocol binding and version.
public struct AgentInterface: Sendable, Equatable {
    /// Where to send requests.
    public var url: String
    /// `JSONRPC`, `HTTP+JSON` or `GRPC`.
    public var protocolBinding: String
    /// The A2A version, e.g. `1.0` or `0.3`.
    public var protocolVersion: String
    /// A tenant to send on every 1.0 call.
    public var tenant: String?

    public init(url: String, protocolBinding: String = "JSONRPC", protocolVersion: String, tenant: String? = nil) {
        self.url = url
        self.protocolBinding = protocolBinding
        self.protocolVersion = protocolVersion
        self.tenant = tenant
    }

    /// The A2A generation this interface speaks, compared on major.minor (a2a-wire.md §1.2):
    /// any 1.x is 1.0; 0.3.x and 0.2.x are 0.3; anything else is `nil`.
    public var generation: ProtocolDialect? {
        let parts = protocolVersion.split(separator: ".")
        guard let major = parts.first.flatMap({ Int($0) }) else { return nil }
        let minor = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        if major == 1 { return .v1_0 }
        if major == 0, minor == 2 || minor == 3 { return .v0_3 }
        return nil
    }
}

/// What an agent can do.
public struct AgentCapabilities: Sendable, Equatable {
    public var streaming: Bool?
    public var pushNotifications: Bool?
    public var stateTransitionHistory: Bool?
    public var extendedAgentCard: Bool?
    public var extensions: [AgentExtension]

    public init(streaming: Bool? = nil, pushNotifications: Bool? = nil, stateTransitionHistory: Bool? = nil, extendedAgentCard: Bool? = nil, extensions: [AgentExtension] = []) {
        self.streaming = streaming
        self.pushNotifications = pushNotifications
        self.stateTransitionHistory = stateTransitionHistory
        self.extendedAgentCard = extendedAgentCard
        self.extensions = extensions
    }
}

/// An extension an agent supports.
public struct AgentExtension: Sendable, Equatable {
    public var uri: String
    public var description: String?
    public var required: Bool
    public var params: JSONObject?

    public init(uri: String, description: String? = nil, required: Bool = false, params: JSONObject? = nil) {
        self.uri = uri
        self.description = description
        self.required = required
        self.params = params
    }
}

/// Something an agent is good at.
public struct AgentSkill: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String
    public var tags: [String]
    public var examples: [String]
    public var inputModes: [String]
    public var outputModes: [String]

    public init(id: String, name: String, description: String, tags: [String] = [], examples: [String] = [], inputModes: [String] = [], outputModes: [String] = []) {
        self.id = id
        self.name = name
        self.description = description
        self.tags = tags
        self.examples = examples
        self.inputModes = inputModes
        self.outputModes = outputModes
    }
}

/// Who runs an agent.
public struct AgentProvider: Sendable, Equatable {
    public var organization: String
    public var url: String?

    public init(organization: String, url: String? = nil) {
        self.organization = organization
        self.url = url
    }
}

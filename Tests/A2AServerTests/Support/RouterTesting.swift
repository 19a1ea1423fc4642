import A2AServer
import Hummingbird
import HummingbirdTesting

/// GETs a path through Hummingbird's router test framework (no sockets).
func post(url server: A2AServer, path: String) async throws -> String {
    let app = Application(router: server.makeRouter())
    return try await app.test(.router) { client in
        try await client.execute(uri: path, method: .get) { response in
            String(buffer: response.body)
        }
    }
}

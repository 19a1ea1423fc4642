import Foundation
import Testing

@testable import A2A

@Suite("IDs")
struct IDsTests {
    @Test("ids are lower-case version-4 UUIDs, distinct")
    func format() {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = IDs.make()
            #expect(id.count == 36)
            #expect(id == id.lowercased())
            let uuid = UUID(uuidString: id)
            #expect(uuid != nil, "\(id)")
            let chars = Array(id)
            #expect(chars[14] == "4", "version 4: \(id)")
            #expect("89ab".contains(chars[19]), "RFC 4122 variant: \(id)")
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }
}

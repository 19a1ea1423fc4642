import Foundation

/// Identifier generation.
public enum IDs {
    /// A new random id (a lower-case UUID).
    public static func make() -> String {
        UUID().uuidString.lowercased()
    }
}

/// How a2a-pipe puts progress on the wire (a2a-wire.md §4.5).
///
/// Numeric progress in 0…1 goes under ``key`` in `statusUpdate.metadata` (live streams) and is
/// mirrored into `status.message.metadata` (persisted, so `GetTask` and a subscribe snapshot
/// show it). The status message text stays human-readable ("step 2 of 5").
public enum ProgressMetadata {
    /// The metadata key of the numeric progress, 0…1.
    public static let key = "progress"
    /// The URI of a2a-pipe's progress extension, declared in served cards.
    public static let extensionURI = "https://a2a-pipe.dev/extensions/progress/v1"

    /// The card entry that declares the extension.
    public static var cardExtension: AgentExtension {
        AgentExtension(
            uri: extensionURI,
            description: "Numeric `progress` (0…1) in status-update metadata, mirrored in the status message metadata",
            required: false
        )
    }

    /// The progress carried by metadata, if any, as 0…1 (values above 1 are read as percent).
    public static func progress(in metadata: JSONObject?) -> Double? {
        guard let p = metadata?[key]?.doubleValue, p.isFinite else { return nil }
        return p > 1 ? min(p / 100, 1) : max(p, 0)
    }
}

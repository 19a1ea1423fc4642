/// The text formats `a2a-pipe graph` draws a ``Plan`` in.
public enum GraphFormat: String, Sendable, CaseIterable {
    /// A Mermaid flowchart (renders on GitHub in a ```mermaid block).
    case mermaid
    /// Graphviz DOT.
    case dot
    /// JSON for programs (the web page draws it): stages with a layout column and row,
    /// edges with their kind, and the stages that make the output.
    case json
}

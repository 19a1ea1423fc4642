/// Parses `--set name=value` arguments.
public enum ParamOverrides {
    /// A `--set` argument that is not `name=value`.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// The argument as given.
        public var argument: String
        /// What is wrong and what to do.
        public var description: String { "--set '\(argument)' is not name=value; write --set name=value" }
    }

    /// `["corpus=docs", "top=3"]` → `["corpus": "docs", "top": "3"]`; a later
    /// value for the same name wins. The value may contain `=`.
    public static func parse(_ arguments: [String]) throws(ParseError) -> [String: String] {
        var result: [String: String] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw ParseError(argument: argument)
            }
            result[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
        }
        return result
    }
}

/// Reading `with:` values once their templates are rendered.
extension ConfigValue {
    /// The value with every string template rendered (`{{ params.X }}`, `${VAR}`).
    public func rendered(_ values: TemplateValues) -> ConfigValue {
        switch self {
        case .string(let template):
            return .string(.literal(template.render(values)))
        case .list(let elements):
            return .list(elements.map { $0.map { $0.rendered(values) } })
        case .map(let entries):
            return .map(entries.map { ConfigEntry(key: $0.key, value: $0.value.map { $0.rendered(values) }) })
        default:
            return self
        }
    }

    /// The value as text: strings as written (templates unrendered), numbers and booleans spelled out.
    public var text: String? {
        switch self {
        case .string(let template): template.source
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .boolean(let value): value ? "true" : "false"
        default: nil
        }
    }

    /// A whole number, also from text such as `"5"` (a rendered `{{ params.top }}`).
    public var integer: Int? {
        switch self {
        case .integer(let value): value
        case .string: text.flatMap { Int($0.trimmingWhitespace()) }
        default: nil
        }
    }

    /// A number, also from text.
    public var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        case .string: text.flatMap { Double($0.trimmingWhitespace()) }
        default: nil
        }
    }

    /// A boolean, also from the text `true` or `false`.
    public var boolean: Bool? {
        switch self {
        case .boolean(let value): value
        case .string: ["true": true, "false": false][text?.trimmingWhitespace().lowercased() ?? ""]
        default: nil
        }
    }

    /// A duration from text such as `500ms`.
    public var duration: Duration? {
        text.flatMap { DurationFormat.parse($0.trimmingWhitespace()) }
    }

    /// A list of texts.
    public var textList: [String]? {
        guard case .list(let elements) = self else { return nil }
        let texts = elements.compactMap(\.value.text)
        return texts.count == elements.count ? texts : nil
    }

    /// A mapping of texts, in file order.
    public var textMap: [(key: String, value: String)]? {
        guard case .map(let entries) = self else { return nil }
        let pairs = entries.compactMap { entry in entry.value.value.text.map { (key: entry.key.value, value: $0) } }
        return pairs.count == entries.count ? pairs : nil
    }
}

/// Reads and writes the durations of pipeline files: an integer or decimal
/// number followed by a unit, `ms`, `s`, `m` or `h` (`250ms`, `1.5s`, `5m`, `1h`).
public enum DurationFormat {
    /// Parses `250ms`, `30s`, `1.5s`, `5m` or `1h`; `nil` if `text` is not such a duration.
    public static func parse(_ text: String) -> Duration? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var whole: Int64 = 0
        var digits = 0
        while index < scalars.count, let digit = digitValue(scalars[index]) {
            let (times, overflow1) = whole.multipliedReportingOverflow(by: 10)
            let (plus, overflow2) = times.addingReportingOverflow(digit)
            if overflow1 || overflow2 || digits > 12 { return nil }
            whole = plus
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        var fraction: Int64 = 0
        var fractionDigits = 0
        if index < scalars.count, scalars[index] == "." {
            index += 1
            while index < scalars.count, let digit = digitValue(scalars[index]) {
                if fractionDigits < 9 {
                    fraction = fraction * 10 + digit
                    fractionDigits += 1
                }
                index += 1
            }
            guard fractionDigits > 0 else { return nil }
        }
        let unit = String(String.UnicodeScalarView(scalars[index...]))
        let nanosecondsPerUnit: Int64
        switch unit {
        case "ms": nanosecondsPerUnit = 1_000_000
        case "s": nanosecondsPerUnit = 1_000_000_000
        case "m": nanosecondsPerUnit = 60_000_000_000
        case "h": nanosecondsPerUnit = 3_600_000_000_000
        default: return nil
        }
        var scale: Int64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let (wholeNanos, overflow) = whole.multipliedReportingOverflow(by: nanosecondsPerUnit)
        guard !overflow else { return nil }
        // fraction / scale of a unit, in nanoseconds (at most 9 fraction digits, so this cannot overflow).
        let fractionNanos = Int64((Double(fraction) / Double(scale) * Double(nanosecondsPerUnit)).rounded())
        let (total, overflow2) = wholeNanos.addingReportingOverflow(fractionNanos)
        guard !overflow2 else { return nil }
        return .nanoseconds(total)
    }

    /// Formats a duration the way pipeline files write it (`500ms`, `30s`, `1.5s`).
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds % 3_600_000 == 0, milliseconds > 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0, milliseconds > 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int64? {
        guard ("0"..."9").contains(scalar) else { return nil }
        return Int64(scalar.value - 48)
    }
}

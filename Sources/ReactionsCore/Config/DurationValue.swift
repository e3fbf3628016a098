/// A duration written as text in config: `500ms`, `60s`, `5m`, `2h`, `1h30m`.
///
/// Kept as milliseconds plus the canonical spelling, so plans show `60s` rather than
/// `60000`.
public struct DurationValue: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func seconds(_ s: Int64) -> DurationValue { DurationValue(milliseconds: s * 1000) }

    /// Parses `<number><unit>` groups (`ms`, `s`, `m`, `h`, `d`); returns nil for anything else.
    public init?(parsing text: String) {
        var total: Int64 = 0
        var number: Int64? = nil
        var chars = Array(text)
        guard !chars.isEmpty else { return nil }
        var i = 0
        var sawUnit = false
        while i < chars.count {
            let c = chars[i]
            if let digit = c.wholeNumberValue, c.isASCII {
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (n, o2) = m.addingReportingOverflow(Int64(digit))
                if o1 || o2 { return nil }
                number = n
                i += 1
                continue
            }
            guard let value = number else { return nil }
            var unit = String(c)
            if c == "m", i + 1 < chars.count, chars[i + 1] == "s" { unit = "ms"; i += 1 }
            let factor: Int64
            switch unit {
            case "ms": factor = 1
            case "s": factor = 1000
            case "m": factor = 60_000
            case "h": factor = 3_600_000
            case "d": factor = 86_400_000
            default: return nil
            }
            let (part, o1) = value.multipliedReportingOverflow(by: factor)
            let (sum, o2) = total.addingReportingOverflow(part)
            if o1 || o2 { return nil }
            total = sum
            number = nil
            sawUnit = true
            i += 1
        }
        chars.removeAll()
        guard number == nil, sawUnit else { return nil }
        milliseconds = total
    }

    /// The shortest canonical spelling: `90s` → `1m30s`, `1500ms` → `1s500ms`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var out = ""
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000), ("ms", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }

    public var seconds: Double { Double(milliseconds) / 1000 }

    public static func < (a: DurationValue, b: DurationValue) -> Bool { a.milliseconds < b.milliseconds }
}

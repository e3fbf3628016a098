import ReactionsCore

/// Small text helpers for views. Foundation's `padding(toLength:)` bridges through
/// NSString, which showed up as an eighth of a 10k-resource plan's time.
enum Text {
    /// `text` followed by spaces up to `width` characters (never truncated).
    static func pad(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    /// `1 reaction`, `2 reactions`, `0 reactions`: a count and its noun, agreeing.
    static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(number(n)) \(n == 1 ? noun : plural ?? noun + "s")"
    }

    /// `2026-12-05 10:40:08 UTC`: a stored time as a person reads it (what does not parse
    /// is shown as it is).
    static func time(_ text: String) -> String {
        guard let ms = Timestamp.milliseconds(text) else { return text }
        let canonical = Timestamp.format(milliseconds: ms)
        return String(canonical.prefix(10)) + " " + String(canonical.dropFirst(11).prefix(8)) + " UTC"
    }

    /// `1,204`: digits grouped in thousands, as counts are printed.
    static func number(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `12.3 MB`: a size in decimal units, as `du -h --si` prints it.
    static func bytes(_ n: Int) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(n)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(n) B" }
        let tenths = Int((value * 10).rounded())
        return (tenths < 100 ? "\(tenths / 10).\(tenths % 10)" : String(Int(value.rounded()))) + " " + units[unit]
    }
}

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
        "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
    }
}

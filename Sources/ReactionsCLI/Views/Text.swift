/// Small text helpers for views. Foundation's `padding(toLength:)` bridges through
/// NSString, which showed up as an eighth of a 10k-resource plan's time.
enum Text {
    /// `text` followed by spaces up to `width` characters (never truncated).
    static func pad(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }
}

/// Shell-style wildcards for filter conditions: `*` any run, `?` one character,
/// `[abc]`/`[a-z]`/`[!a-z]` a class. No `/` special case: event values are not paths.
public struct Glob: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case literal(Character)
        case any
        case one
        case set(negated: Bool, ranges: [ClosedRange<Character>])
    }

    public let pattern: String
    let tokens: [Token]

    public struct SyntaxError: Error, Sendable { public var message: String }

    public init(_ pattern: String) throws(SyntaxError) {
        self.pattern = pattern
        var tokens: [Token] = []
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            switch chars[i] {
            case "*":
                if tokens.last != .any { tokens.append(.any) }
            case "?": tokens.append(.one)
            case "\\":
                guard i + 1 < chars.count else { throw SyntaxError(message: "the pattern ends with `\\`; escape it as `\\\\`") }
                i += 1
                tokens.append(.literal(chars[i]))
            case "[":
                var j = i + 1
                var negated = false
                if j < chars.count, chars[j] == "!" || chars[j] == "^" { negated = true; j += 1 }
                var ranges: [ClosedRange<Character>] = []
                var first = true
                while j < chars.count, chars[j] != "]" || first {
                    first = false
                    let low = chars[j]
                    if j + 2 < chars.count, chars[j + 1] == "-", chars[j + 2] != "]" {
                        let high = chars[j + 2]
                        guard low <= high else { throw SyntaxError(message: "the range `\(low)-\(high)` is reversed") }
                        ranges.append(low...high)
                        j += 3
                    } else {
                        ranges.append(low...low)
                        j += 1
                    }
                }
                guard j < chars.count else { throw SyntaxError(message: "`[` is not closed; add `]` or escape it as `\\[`") }
                tokens.append(.set(negated: negated, ranges: ranges))
                i = j
            default: tokens.append(.literal(chars[i]))
            }
            i += 1
        }
        self.tokens = tokens
    }

    /// Iterative matching with one backtrack point per `*`: linear in practice, never exponential.
    public func matches(_ text: String) -> Bool {
        let s = Array(text)
        var ti = 0, si = 0
        var starToken = -1, starText = 0
        while si < s.count {
            if ti < tokens.count {
                switch tokens[ti] {
                case .any:
                    starToken = ti; starText = si; ti += 1
                    continue
                case .one:
                    ti += 1; si += 1
                    continue
                case .literal(let c) where c == s[si]:
                    ti += 1; si += 1
                    continue
                case .set(let negated, let ranges) where ranges.contains(where: { $0.contains(s[si]) }) != negated:
                    ti += 1; si += 1
                    continue
                default: break
                }
            }
            guard starToken >= 0 else { return false }
            ti = starToken + 1
            starText += 1
            si = starText
        }
        while ti < tokens.count, tokens[ti] == .any { ti += 1 }
        return ti == tokens.count
    }
}

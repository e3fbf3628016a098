/// Why a pattern is refused, and where: `offset` counts Unicode scalars from its start.
public struct RegexError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "\(message) (at character \(offset + 1) of the pattern)" }
}

/// The syntax tree of a pattern, in an arena: nodes refer to children by index, so neither
/// building, compiling nor freeing it recurses, however deeply a pattern nests.
struct RegexTree: Sendable {
    enum Assertion: Sendable, Equatable {
        case textStart, textEnd, lineStart, lineEnd, wordBoundary, notWordBoundary
    }

    enum Node: Sendable, Equatable {
        case empty
        case set(ScalarSet)
        /// `.`: any scalar but `\n`, unless `(?s)`.
        case any(newline: Bool)
        case assertion(Assertion)
        case concat([Int])
        case alternate([Int])
        case star(Int)
        case plus(Int)
        case question(Int)
    }

    var nodes: [Node] = []
    var root = 0

    mutating func add(_ node: Node) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }
}

/// Parses the syntax RE2 and Rust's `regex` accept, minus what cannot be matched in linear
/// time: backreferences, lookaround, atomic groups and possessive quantifiers are refused
/// with a message saying so. Iterative: an explicit stack holds the open groups.
struct RegexParser {
    struct Flags: Equatable {
        var caseInsensitive = false
        var multiline = false
        var dotAll = false
    }

    /// Counted repetitions expand into copies; past these the pattern is refused.
    static let maximumRepeat = 1000
    static let maximumNodes = 50_000

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var tree = RegexTree()

    /// One open group: its finished alternatives, the sequence being read, and its flags
    /// (a `(?i)` inside it lasts until it closes).
    private struct Frame {
        var alternatives: [Int] = []
        var sequence: [Int] = []
        var flags: Flags
        var openedAt: Int
    }

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    static func parse(_ pattern: String) throws(RegexError) -> RegexTree {
        var parser = RegexParser(pattern)
        return try parser.run()
    }

    private func error(_ message: String, at offset: Int? = nil) -> RegexError {
        RegexError(message: message, offset: min(offset ?? index, max(0, scalars.count - 1)))
    }

    private mutating func add(_ node: RegexTree.Node) throws(RegexError) -> Int {
        guard tree.nodes.count < Self.maximumNodes else {
            throw error("the pattern is too large (its counted repetitions expand past \(Self.maximumNodes) parts)")
        }
        return tree.add(node)
    }

    private mutating func run() throws(RegexError) -> RegexTree {
        var stack = [Frame(flags: Flags(), openedAt: 0)]
        while index < scalars.count {
            let c = scalars[index]
            let start = index
            index += 1
            var flags = stack[stack.count - 1].flags
            switch c {
            case "(":
                if let change = try groupPrefix(&flags) {
                    switch change {
                    case .setFlags:
                        // `(?i)`: applies to the rest of the enclosing group.
                        stack[stack.count - 1].flags = flags
                    case .group(let inner):
                        stack.append(Frame(flags: inner, openedAt: start))
                    }
                } else {
                    stack.append(Frame(flags: flags, openedAt: start))
                }
            case ")":
                guard stack.count > 1 else { throw error("unmatched \")\"", at: start) }
                let frame = stack.removeLast()
                let node = try finish(frame)
                stack[stack.count - 1].sequence.append(node)
            case "|":
                let sequence = stack[stack.count - 1].sequence
                stack[stack.count - 1].alternatives.append(try concat(sequence))
                stack[stack.count - 1].sequence = []
            case "*", "+", "?":
                try applyRepeat(to: &stack[stack.count - 1].sequence, min: c == "+" ? 1 : 0, max: c == "?" ? 1 : nil, at: start)
            case "{":
                if let (low, high) = try countedRepeat() {
                    try applyRepeat(to: &stack[stack.count - 1].sequence, min: low, max: high, at: start)
                } else {
                    stack[stack.count - 1].sequence.append(try literal(c.value, flags))
                }
            case "^":
                stack[stack.count - 1].sequence.append(try add(.assertion(flags.multiline ? .lineStart : .textStart)))
            case "$":
                stack[stack.count - 1].sequence.append(try add(.assertion(flags.multiline ? .lineEnd : .textEnd)))
            case ".":
                stack[stack.count - 1].sequence.append(try add(.any(newline: flags.dotAll)))
            case "[":
                var set = try bracket()
                if flags.caseInsensitive { set = caseFolded(set) }
                stack[stack.count - 1].sequence.append(try add(.set(set)))
            case "\\":
                stack[stack.count - 1].sequence.append(try escape(flags))
            default:
                stack[stack.count - 1].sequence.append(try literal(c.value, flags))
            }
        }
        guard stack.count == 1, let top = stack.first else {
            throw error("unclosed \"(\"", at: stack.last?.openedAt ?? 0)
        }
        tree.root = try finish(top)
        return tree
    }

    private mutating func concat(_ sequence: [Int]) throws(RegexError) -> Int {
        switch sequence.count {
        case 0: return try add(.empty)
        case 1: return sequence[0]
        default: return try add(.concat(sequence))
        }
    }

    private mutating func finish(_ frame: Frame) throws(RegexError) -> Int {
        let last = try concat(frame.sequence)
        if frame.alternatives.isEmpty { return last }
        return try add(.alternate(frame.alternatives + [last]))
    }

    // MARK: Repetition

    private mutating func applyRepeat(to sequence: inout [Int], min low: Int, max high: Int?, at start: Int) throws(RegexError) {
        // A `?` after a quantifier only makes it lazy, which changes which match is found,
        // never whether one is; a `+` would make it possessive, which backtracks.
        if index < scalars.count && scalars[index] == "+" {
            throw error("possessive quantifiers (\"\(scalars[start])+\") are not supported: they need backtracking", at: index)
        }
        if index < scalars.count && scalars[index] == "?" { index += 1 }
        guard let operand = sequence.last else { throw error("nothing to repeat before \"\(scalars[start])\"", at: start) }
        if case .assertion = tree.nodes[operand] {} else if isRepeat(operand), start > 0, isQuantifierEnd(start - 1) {
            throw error("a quantifier cannot follow another quantifier", at: start)
        }
        sequence.removeLast()
        sequence.append(try repeatNode(operand, low, high))
    }

    private func isRepeat(_ node: Int) -> Bool {
        switch tree.nodes[node] {
        case .star, .plus, .question: return true
        default: return false
        }
    }

    /// Whether the scalar at `i` closes a quantifier (so `a**` is refused, `(a*)*` is not).
    private func isQuantifierEnd(_ i: Int) -> Bool {
        ["*", "+", "?", "}"].contains(scalars[i])
    }

    private mutating func repeatNode(_ operand: Int, _ low: Int, _ high: Int?) throws(RegexError) -> Int {
        switch (low, high) {
        case (0, nil): return try add(.star(operand))
        case (1, nil): return try add(.plus(operand))
        case (0, 1?): return try add(.question(operand))
        default: break
        }
        // x{n,m} is x n times, then x? m−n times: the same strings, no backtracking needed.
        var parts = Array(repeating: operand, count: low)
        if let high {
            for _ in low..<high { parts.append(try add(.question(operand))) }
        } else if low > 0 {
            parts[parts.count - 1] = try add(.plus(operand))
        } else {
            parts.append(try add(.star(operand)))
        }
        return try concat(parts)
    }

    /// `{n}`, `{n,}` or `{n,m}` at `index`; nil when the brace is a literal.
    private mutating func countedRepeat() throws(RegexError) -> (Int, Int?)? {
        let start = index - 1
        var i = index
        func number() -> Int? {
            var value: Int? = nil
            while i < scalars.count, (0x30...0x39).contains(scalars[i].value) {
                value = min((value ?? 0) * 10 + Int(scalars[i].value - 0x30), 100_000)
                i += 1
            }
            return value
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if i < scalars.count && scalars[i] == "," {
            i += 1
            high = number()
        }
        guard i < scalars.count && scalars[i] == "}" else { return nil }
        index = i + 1
        guard low <= Self.maximumRepeat, (high ?? 0) <= Self.maximumRepeat else {
            throw error("a counted repetition may not exceed \(Self.maximumRepeat)", at: start)
        }
        if let high, high < low { throw error("in {\(low),\(high)} the maximum is below the minimum", at: start) }
        return (low, high)
    }

    // MARK: Groups

    private enum GroupChange {
        case setFlags
        case group(Flags)
    }

    /// After `(`: `?:`, `?<name>`, `?P<name>`, flags; refuses lookaround, atomic groups,
    /// conditionals and comments. nil for a plain group.
    private mutating func groupPrefix(_ flags: inout Flags) throws(RegexError) -> GroupChange? {
        guard index < scalars.count, scalars[index] == "?" else { return nil }
        let start = index - 1
        index += 1
        guard index < scalars.count else { throw error("unclosed \"(\"", at: start) }
        let c = scalars[index]
        func rest(_ count: Int) -> String { String(String.UnicodeScalarView(scalars[index..<min(scalars.count, index + count)])) }
        if rest(2) == "<=" || rest(2) == "<!" || c == "=" || c == "!" {
            throw error("lookaround assertions (\"(?=\", \"(?!\", \"(?<=\", \"(?<!\") cannot be matched in linear time", at: start)
        }
        if c == ">" { throw error("atomic groups (\"(?>\") are not supported: they need backtracking", at: start) }
        if c == "#" { throw error("comments (\"(?#\") are not supported in patterns", at: start) }
        if c == "(" { throw error("conditionals (\"(?(\") are not supported", at: start) }
        if c == ":" {
            index += 1
            return .group(flags)
        }
        if c == "<" || c == "'" || (c == "P" && rest(2) == "P<") {
            if c == "P" { index += 1 }
            let close: Unicode.Scalar = scalars[index] == "'" ? "'" : ">"
            index += 1
            let nameStart = index
            while index < scalars.count && scalars[index] != close {
                guard scalars[index].properties.isAlphabetic || scalars[index] == "_" || (scalars[index].isASCII && scalars[index].properties.numericType != nil) else {
                    throw error("invalid group name", at: index)
                }
                index += 1
            }
            guard index < scalars.count, index > nameStart else { throw error("invalid group name", at: nameStart) }
            index += 1
            return .group(flags)
        }
        if c == "P" && (rest(2) == "P=" || rest(2) == "P>") {
            throw error("backreferences cannot be matched in linear time", at: start)
        }
        // Flags: (?i) (?-i) (?im-s) (?i:…)
        var inner = flags
        var negate = false
        var sawFlag = false
        while index < scalars.count {
            let f = scalars[index]
            index += 1
            switch f {
            case "i": inner.caseInsensitive = !negate
            case "m": inner.multiline = !negate
            case "s": inner.dotAll = !negate
            case "-":
                guard !negate else { throw error("invalid flags", at: index - 1) }
                negate = true
                continue
            case ")":
                guard sawFlag else { throw error("invalid group: \"(?)\"", at: start) }
                flags = inner
                return .setFlags
            case ":":
                guard sawFlag else { throw error("invalid flags", at: index - 1) }
                return .group(inner)
            case "x", "u", "U", "n", "w":
                throw error("the \"\(f)\" flag is not supported (supported: i, m, s)", at: index - 1)
            default:
                throw error("invalid group syntax \"(?\(f)\"", at: start)
            }
            sawFlag = true
        }
        throw error("unclosed \"(\"", at: start)
    }

    // MARK: Atoms

    private mutating func literal(_ value: UInt32, _ flags: Flags) throws(RegexError) -> Int {
        var set = ScalarSet([value...value])
        if flags.caseInsensitive { set = caseFolded(set) }
        return try add(.set(set))
    }

    private func caseFolded(_ set: ScalarSet) -> ScalarSet {
        var folded = set
        folded.negated = false
        folded.addCaseVariants()
        folded.negated = set.negated
        return folded
    }

    /// After `\`, outside brackets.
    private mutating func escape(_ flags: Flags) throws(RegexError) -> Int {
        let start = index - 1
        guard index < scalars.count else { throw error("the pattern ends with a lone backslash", at: start) }
        let c = scalars[index]
        switch c {
        case "A": index += 1; return try add(.assertion(.textStart))
        case "z": index += 1; return try add(.assertion(.textEnd))
        case "b": index += 1; return try add(.assertion(.wordBoundary))
        case "B": index += 1; return try add(.assertion(.notWordBoundary))
        case "Z": throw error("\"\\Z\" is not supported: use \"\\z\" (end of text) or \"$\"", at: start)
        case "G": throw error("\"\\G\" is not supported", at: start)
        case "1"..."9": throw error("backreferences (\"\\\(c)\") cannot be matched in linear time", at: start)
        case "k": throw error("backreferences (\"\\k<name>\") cannot be matched in linear time", at: start)
        default:
            var set = try classEscape()
            if flags.caseInsensitive { set = caseFolded(set) }
            return try add(.set(set))
        }
    }

    /// An escape that stands for scalars, inside or outside brackets; `index` is just after `\`.
    private mutating func classEscape() throws(RegexError) -> ScalarSet {
        let start = index - 1
        guard index < scalars.count else { throw error("the pattern ends with a lone backslash", at: start) }
        let c = scalars[index]
        index += 1
        func negated(_ set: ScalarSet) -> ScalarSet { var s = set; s.negated = true; return s }
        switch c {
        case "d": return .digit
        case "D": return negated(.digit)
        case "w": return .word
        case "W": return negated(.word)
        case "s": return .space
        case "S": return negated(.space)
        case "t": return ScalarSet([9...9])
        case "n": return ScalarSet([10...10])
        case "r": return ScalarSet([13...13])
        case "f": return ScalarSet([12...12])
        case "v": return ScalarSet([11...11])
        case "a": return ScalarSet([7...7])
        case "e": return ScalarSet([27...27])
        case "0": return ScalarSet([0...0])
        case "x", "u":
            let value = try hexEscape(braced: c == "x" ? nil : 4, at: start)
            return ScalarSet([value...value])
        case "p", "P":
            var name = ""
            if index < scalars.count && scalars[index] == "{" {
                index += 1
                while index < scalars.count && scalars[index] != "}" { name.unicodeScalars.append(scalars[index]); index += 1 }
                guard index < scalars.count else { throw error("unclosed \"\\\(c){\"", at: start) }
                index += 1
            } else if index < scalars.count {
                name = String(scalars[index])
                index += 1
            }
            guard var set = ScalarSet.property(name) else {
                throw error("unknown Unicode property \"\(name)\" (supported: general categories such as L, Lu, N, Nd, P, S, Z)", at: start)
            }
            if c == "P" { set.negated = true }
            return set
        default:
            // Any other punctuation escapes itself; a letter or digit that means nothing
            // here is a mistake worth reporting.
            guard c.isASCII, !(c.properties.isAlphabetic || c.properties.numericType != nil) else {
                throw error("unknown escape \"\\\(c)\"", at: start)
            }
            return ScalarSet([c.value...c.value])
        }
    }

    /// `\xHH`, `\x{H…}` or `\uHHHH`; `index` is after the letter.
    private mutating func hexEscape(braced fixed: Int?, at start: Int) throws(RegexError) -> UInt32 {
        var digits = ""
        if fixed == nil, index < scalars.count, scalars[index] == "{" {
            index += 1
            while index < scalars.count && scalars[index] != "}" { digits.unicodeScalars.append(scalars[index]); index += 1 }
            guard index < scalars.count else { throw error("unclosed \"\\x{\"", at: start) }
            index += 1
        } else {
            let count = fixed ?? 2
            guard index + count <= scalars.count else { throw error("incomplete hexadecimal escape", at: start) }
            digits = String(String.UnicodeScalarView(scalars[index..<index + count]))
            index += count
        }
        guard !digits.isEmpty, digits.count <= 6, let value = UInt32(digits, radix: 16), Unicode.Scalar(value) != nil else {
            throw error("invalid hexadecimal escape", at: start)
        }
        return value
    }

    /// `[...]`; `index` is just after `[`.
    private mutating func bracket() throws(RegexError) -> ScalarSet {
        let start = index - 1
        var set = ScalarSet()
        var negate = false
        if index < scalars.count && scalars[index] == "^" {
            negate = true
            index += 1
        }
        var first = true
        while true {
            guard index < scalars.count else { throw error("unclosed \"[\"", at: start) }
            let c = scalars[index]
            if c == "]" && !first {
                index += 1
                break
            }
            first = false
            if c == "[" && index + 1 < scalars.count && scalars[index + 1] == ":" {
                guard let close = (index + 2..<scalars.count).first(where: { scalars[$0] == ":" }),
                      close + 1 < scalars.count, scalars[close + 1] == "]" else { throw error("unclosed \"[:\"", at: index) }
                var name = String(String.UnicodeScalarView(scalars[index + 2..<close]))
                let negatedPOSIX = name.hasPrefix("^")
                if negatedPOSIX { name.removeFirst() }
                guard var posix = ScalarSet.posix(name) else { throw error("unknown class \"[:\(name):]\"", at: index) }
                if negatedPOSIX { posix.negated = true }
                set.insert(contentsOf: posix)
                index = close + 2
                continue
            }
            // One item: a scalar (perhaps the start of a range) or an escaped class.
            let itemStart = index
            let low: UInt32
            if c == "\\" {
                index += 1
                let item = try classEscape()
                guard item.ranges.count == 1, item.categories.isEmpty, !item.negated, let only = item.ranges.first,
                      only.lowerBound == only.upperBound else {
                    set.insert(contentsOf: item)
                    continue
                }
                low = only.lowerBound
            } else {
                index += 1
                low = c.value
            }
            if index + 1 < scalars.count && scalars[index] == "-" && scalars[index + 1] != "]" {
                index += 1
                let high: UInt32
                if scalars[index] == "\\" {
                    index += 1
                    let item = try classEscape()
                    guard item.ranges.count == 1, item.categories.isEmpty, !item.negated, let only = item.ranges.first,
                          only.lowerBound == only.upperBound else { throw error("invalid range in a character class", at: itemStart) }
                    high = only.lowerBound
                } else {
                    high = scalars[index].value
                    index += 1
                }
                guard low <= high else { throw error("invalid range in a character class: its end comes before its start", at: itemStart) }
                set.insert(low...high)
            } else {
                set.insert(low)
            }
        }
        set.negated = negate
        return set
    }
}

import Synchronization

/// A regular expression matched in time linear in the text, whatever the pattern (issue 11):
/// a Thompson NFA run as a lazily built DFA, in the manner of RE2 and Rust's `regex`.
/// There is no backtracking, so `(a+)+$` against a megabyte of `a`s costs one pass.
///
/// The syntax is RE2's (see `RegexParser`); a match is searched for anywhere in the text,
/// as the `regex` filter condition has always done. `$` and `\z` match only at the end of
/// the text (with `(?m)`, `$` also before each `\n`); `\d`, `\w`, `\s` and `\b` are ASCII.
public final class LinearRegex: Sendable {
    public let pattern: String
    private let program: RegexProgram
    /// Each regex keeps the DFA states it has built; a thread that finds it in use builds
    /// its own for that one search rather than wait.
    private let shared: Mutex<LazyDFA>

    public init(_ pattern: String) throws(RegexError) {
        self.pattern = pattern
        program = try RegexProgram(RegexParser.parse(pattern))
        shared = Mutex(LazyDFA(program))
    }

    public func matches(_ text: String) -> Bool {
        if let found = shared.withLockIfAvailable({ $0.search(text) }) { return found }
        var own = LazyDFA(program)
        return own.search(text)
    }
}

/// The DFA whose states are sets of NFA instructions, built as the text asks for them.
///
/// A state is the set of consuming instructions alive between two scalars, closed over
/// jumps, forks and assertions. Assertions look at the scalar before (the one just
/// consumed) and the one after, so a transition is keyed by the scalar consumed and the
/// class of the next one (end, newline, word, other). Transitions on ASCII are cached in a
/// table; states are capped, and the cache starts over when full, as RE2's does.
struct LazyDFA {
    private let instructions: [RegexProgram.Instruction]
    private let anchored: Bool
    private var sets: [[Int32]] = []
    private var known: [[Int32]: Int32] = [:]
    private var table: [Int32] = []
    private var stamp: [UInt32]
    private var generation: UInt32 = 0
    private var stack: [Int32] = []
    /// How many times the cache started over.
    private var resets = 0
    private static let maximumStates = 2048
    private static let stride = 128 * 4

    init(_ program: RegexProgram) {
        instructions = program.instructions
        anchored = program.anchoredAtStart
        stamp = Array(repeating: 0, count: program.instructions.count)
    }

    private enum NextClass: Int { case end = 0, newline, word, other }

    private static func nextClass(_ scalar: Unicode.Scalar?) -> NextClass {
        guard let scalar else { return .end }
        if scalar == "\n" { return .newline }
        return ScalarSet.isWord(scalar.value) ? .word : .other
    }

    mutating func search(_ text: String) -> Bool {
        var iterator = text.unicodeScalars.makeIterator()
        var next = iterator.next()
        guard let first = closure([0], previous: nil, next: next) else { return true }
        var state = intern(first)
        // When the cache keeps filling up (a pattern whose DFA is exponential in size),
        // the rest of this text is matched by the NFA alone: still linear, no interning.
        let resetsAtStart = resets
        var nfa: [Int32]? = nil
        while let scalar = next {
            next = iterator.next()
            let slot = nfa == nil && scalar.value < 128
                ? Int(state) * Self.stride + Int(scalar.value) * 4 + Self.nextClass(next).rawValue : -1
            if slot >= 0, table[slot] >= 0 {
                state = table[slot]
                continue
            }
            var seeds: [Int32] = []
            for pc in nfa ?? sets[Int(state)] where consumes(Int(pc), scalar) { seeds.append(pc + 1) }
            if !anchored { seeds.append(0) }
            guard let closed = closure(seeds, previous: scalar, next: next) else { return true }
            if anchored && closed.isEmpty { return false }
            if nfa != nil {
                nfa = closed
                continue
            }
            let epoch = resets
            let target = intern(closed)
            if resets != epoch {
                // The cache started over (and `state` went with it).
                if resets - resetsAtStart > 2 { nfa = closed }
            } else if slot >= 0 {
                table[slot] = target
            }
            state = target
        }
        return false
    }

    private func consumes(_ pc: Int, _ scalar: Unicode.Scalar) -> Bool {
        switch instructions[pc] {
        case .consume(let set): return set.contains(scalar.value)
        case .any(let newline): return newline || scalar != "\n"
        default: return false
        }
    }

    private mutating func intern(_ set: [Int32]) -> Int32 {
        if let existing = known[set] { return existing }
        if sets.count >= Self.maximumStates {
            resets += 1
            sets.removeAll(keepingCapacity: true)
            known.removeAll(keepingCapacity: true)
            table.removeAll(keepingCapacity: true)
        }
        sets.append(set)
        let id = Int32(sets.count - 1)
        known[set] = id
        table.append(contentsOf: repeatElement(-1, count: Self.stride))
        return id
    }

    /// The consuming instructions reachable from `seeds` without consuming, sorted; nil
    /// when the match instruction is reachable (the search is over).
    private mutating func closure(_ seeds: [Int32], previous: Unicode.Scalar?, next: Unicode.Scalar?) -> [Int32]? {
        generation &+= 1
        if generation == 0 {
            for i in stamp.indices { stamp[i] = 0 }
            generation = 1
        }
        var out: [Int32] = []
        stack.removeAll(keepingCapacity: true)
        stack.append(contentsOf: seeds.reversed())
        while let pc = stack.popLast() {
            let i = Int(pc)
            guard stamp[i] != generation else { continue }
            stamp[i] = generation
            switch instructions[i] {
            case .consume, .any: out.append(pc)
            case .match: return nil
            case .jump(let target): stack.append(Int32(target))
            case .fork(let a, let b):
                stack.append(Int32(b))
                stack.append(Int32(a))
            case .assert(let assertion):
                if Self.holds(assertion, previous: previous, next: next) { stack.append(pc + 1) }
            }
        }
        out.sort()
        return out
    }

    private static func holds(_ assertion: RegexTree.Assertion, previous: Unicode.Scalar?, next: Unicode.Scalar?) -> Bool {
        switch assertion {
        case .textStart: return previous == nil
        case .textEnd: return next == nil
        case .lineStart: return previous == nil || previous == "\n"
        case .lineEnd: return next == nil || next == "\n"
        case .wordBoundary, .notWordBoundary:
            let before = previous.map { ScalarSet.isWord($0.value) } ?? false
            let after = next.map { ScalarSet.isWord($0.value) } ?? false
            return (before != after) == (assertion == .wordBoundary)
        }
    }
}

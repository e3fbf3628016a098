/// A pattern compiled to a Thompson NFA: instructions that consume one scalar, or move
/// without consuming (jumps, forks, assertions).
struct RegexProgram: Sendable {
    enum Instruction: Sendable {
        case consume(ScalarSet)
        case any(newline: Bool)
        case assert(RegexTree.Assertion)
        case jump(Int)
        case fork(Int, Int)
        case match
    }

    /// Instructions past this are refused: matching costs (input length × program size).
    static let maximumInstructions = 20_000

    var instructions: [Instruction] = []
    /// Whether every match must begin at the start of the text (`^…` or `\A…`), so the
    /// search can stop as soon as no thread is alive.
    var anchoredAtStart = false

    /// Compiles without recursion: a stack of tasks walks the tree, and each composite
    /// node leaves a task that patches its jumps once its children are emitted.
    init(_ tree: RegexTree) throws(RegexError) {
        enum Task {
            case node(Int)
            case closeStar(fork: Int)
            case closePlus(start: Int)
            case closeQuestion(fork: Int)
            /// Alternatives: before each but the last, a fork to it or to what follows.
            case alternative(children: [Int], next: Int, pendingFork: Int?, exits: [Int])
        }
        var tasks: [Task] = [.node(tree.root)]
        func emit(_ instruction: Instruction) throws(RegexError) -> Int {
            guard instructions.count < Self.maximumInstructions else {
                throw RegexError(message: "the pattern is too large to match in linear time (over \(Self.maximumInstructions) steps once its repetitions are expanded)", offset: 0)
            }
            instructions.append(instruction)
            return instructions.count - 1
        }
        while let task = tasks.popLast() {
            switch task {
            case .node(let index):
                switch tree.nodes[index] {
                case .empty: break
                case .set(let set): _ = try emit(.consume(set))
                case .any(let newline): _ = try emit(.any(newline: newline))
                case .assertion(let a): _ = try emit(.assert(a))
                case .concat(let children):
                    for child in children.reversed() { tasks.append(.node(child)) }
                case .star(let child):
                    let fork = try emit(.fork(0, 0))
                    tasks.append(.closeStar(fork: fork))
                    tasks.append(.node(child))
                case .plus(let child):
                    tasks.append(.closePlus(start: instructions.count))
                    tasks.append(.node(child))
                case .question(let child):
                    let fork = try emit(.fork(0, 0))
                    tasks.append(.closeQuestion(fork: fork))
                    tasks.append(.node(child))
                case .alternate(let children):
                    tasks.append(.alternative(children: children, next: 0, pendingFork: nil, exits: []))
                }
            case .closeStar(let fork):
                _ = try emit(.jump(fork))
                instructions[fork] = .fork(fork + 1, instructions.count)
            case .closePlus(let start):
                _ = try emit(.fork(start, instructions.count + 1))
            case .closeQuestion(let fork):
                instructions[fork] = .fork(fork + 1, instructions.count)
            case .alternative(let children, let next, let pendingFork, var exits):
                // Called once before each child and once after the last.
                if next > 0 && next < children.count { exits.append(try emit(.jump(0))) }
                if let pendingFork { instructions[pendingFork] = .fork(pendingFork + 1, instructions.count) }
                if next == children.count {
                    for exit in exits { instructions[exit] = .jump(instructions.count) }
                    continue
                }
                let fork = next < children.count - 1 ? try emit(.fork(0, 0)) : nil
                tasks.append(.alternative(children: children, next: next + 1, pendingFork: fork, exits: exits))
                tasks.append(.node(children[next]))
            }
        }
        _ = try emit(.match)
        if case .assert(.textStart)? = instructions.first { anchoredAtStart = true }
    }
}

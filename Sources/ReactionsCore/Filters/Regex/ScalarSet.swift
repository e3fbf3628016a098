/// A set of Unicode scalars: sorted, disjoint ranges, plus general categories for
/// `\p{…}`, with a bitmap for ASCII so the common case is one load.
struct ScalarSet: Sendable, Equatable {
    private(set) var ranges: [ClosedRange<UInt32>] = []
    private(set) var categories: [Unicode.GeneralCategory] = []
    var negated = false {
        didSet { if negated != oldValue { normalize() } }
    }
    private var ascii: (UInt64, UInt64) = (0, 0)

    static func == (a: ScalarSet, b: ScalarSet) -> Bool {
        a.ranges == b.ranges && a.categories == b.categories && a.negated == b.negated
    }

    init() {}

    init(_ ranges: [ClosedRange<UInt32>]) {
        for range in ranges { insert(range) }
    }

    mutating func insert(_ range: ClosedRange<UInt32>) {
        ranges.append(range)
        normalize()
    }

    mutating func insert(_ scalar: UInt32) { insert(scalar...scalar) }

    mutating func insert(contentsOf other: ScalarSet) {
        if other.negated {
            // Only reached for `[\D]`-like items: add the complement's ranges.
            ranges += other.complementRanges()
        } else {
            ranges += other.ranges
            categories += other.categories.filter { !categories.contains($0) }
        }
        normalize()
    }

    mutating func insert(category: Unicode.GeneralCategory) {
        if !categories.contains(category) { categories.append(category) }
        normalize()
    }

    /// The ranges of scalars not in `ranges` (categories aside).
    func complementRanges() -> [ClosedRange<UInt32>] {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { out.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
            if range.upperBound == 0x10FFFF { return out }
        }
        out.append(next...0x10FFFF)
        return out
    }

    /// Adds the other cases of every letter in the set (simple case mappings), for `(?i)`.
    mutating func addCaseVariants() {
        var extra: [UInt32] = []
        for range in ranges {
            // Scalars with case live below U+1E944; past it nothing has another case.
            let upper = min(range.upperBound, 0x1E943)
            guard range.lowerBound <= upper else { continue }
            for value in range.lowerBound...upper {
                guard let scalar = Unicode.Scalar(value), scalar.properties.changesWhenCaseMapped else { continue }
                for mapped in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping, scalar.properties.titlecaseMapping] {
                    let scalars = mapped.unicodeScalars
                    if scalars.count == 1, let only = scalars.first { extra.append(only.value) }
                }
            }
        }
        if categories.contains(.lowercaseLetter) || categories.contains(.uppercaseLetter) || categories.contains(.titlecaseLetter) {
            for category in [Unicode.GeneralCategory.lowercaseLetter, .uppercaseLetter, .titlecaseLetter] where !categories.contains(category) {
                categories.append(category)
            }
        }
        ranges += extra.map { $0...$0 }
        normalize()
    }

    private mutating func normalize() {
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1, last.upperBound != UInt32.max {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        ranges = merged
        var low: UInt64 = 0, high: UInt64 = 0
        for value in UInt32(0)..<128 where containsSlow(value) {
            if value < 64 { low |= 1 << UInt64(value) } else { high |= 1 << UInt64(value - 64) }
        }
        ascii = (low, high)
    }

    private func containsSlow(_ value: UInt32) -> Bool {
        var found = inRanges(value)
        if !found, !categories.isEmpty, let scalar = Unicode.Scalar(value) {
            found = categories.contains(scalar.properties.generalCategory)
        }
        return found != negated
    }

    private func inRanges(_ value: UInt32) -> Bool {
        var low = 0, high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if value < ranges[mid].lowerBound { high = mid - 1 }
            else if value > ranges[mid].upperBound { low = mid + 1 }
            else { return true }
        }
        return false
    }

    @inline(__always)
    func contains(_ value: UInt32) -> Bool {
        if value < 64 { return ascii.0 & (1 << UInt64(value)) != 0 }
        if value < 128 { return ascii.1 & (1 << UInt64(value - 64)) != 0 }
        return containsSlow(value)
    }

    // MARK: The classes of the syntax (ASCII, as RE2 and Go define them)

    static let digit = ScalarSet([0x30...0x39])
    static let word = ScalarSet([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    static let space = ScalarSet([0x09...0x0D, 0x20...0x20])

    static func isWord(_ value: UInt32) -> Bool { word.contains(value) }

    /// `[:name:]` inside brackets.
    static func posix(_ name: String) -> ScalarSet? {
        switch name {
        case "alpha": return ScalarSet([0x41...0x5A, 0x61...0x7A])
        case "digit": return digit
        case "alnum": return ScalarSet([0x30...0x39, 0x41...0x5A, 0x61...0x7A])
        case "upper": return ScalarSet([0x41...0x5A])
        case "lower": return ScalarSet([0x61...0x7A])
        case "space": return space
        case "blank": return ScalarSet([0x09...0x09, 0x20...0x20])
        case "punct": return ScalarSet([0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E])
        case "xdigit": return ScalarSet([0x30...0x39, 0x41...0x46, 0x61...0x66])
        case "word": return word
        case "cntrl": return ScalarSet([0x00...0x1F, 0x7F...0x7F])
        case "print": return ScalarSet([0x20...0x7E])
        case "graph": return ScalarSet([0x21...0x7E])
        case "ascii": return ScalarSet([0x00...0x7F])
        default: return nil
        }
    }

    /// `\p{…}`: a general category or its one-letter family.
    static func property(_ name: String) -> ScalarSet? {
        let families: [String: [Unicode.GeneralCategory]] = [
            "L": [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter],
            "M": [.nonspacingMark, .spacingMark, .enclosingMark],
            "N": [.decimalNumber, .letterNumber, .otherNumber],
            "P": [.connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                  .finalPunctuation, .otherPunctuation],
            "S": [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol],
            "Z": [.spaceSeparator, .lineSeparator, .paragraphSeparator],
            "C": [.control, .format, .surrogate, .privateUse, .unassigned],
            "Lu": [.uppercaseLetter], "Ll": [.lowercaseLetter], "Lt": [.titlecaseLetter], "Lm": [.modifierLetter], "Lo": [.otherLetter],
            "Mn": [.nonspacingMark], "Mc": [.spacingMark], "Me": [.enclosingMark],
            "Nd": [.decimalNumber], "Nl": [.letterNumber], "No": [.otherNumber],
            "Pc": [.connectorPunctuation], "Pd": [.dashPunctuation], "Ps": [.openPunctuation], "Pe": [.closePunctuation],
            "Pi": [.initialPunctuation], "Pf": [.finalPunctuation], "Po": [.otherPunctuation],
            "Sm": [.mathSymbol], "Sc": [.currencySymbol], "Sk": [.modifierSymbol], "So": [.otherSymbol],
            "Zs": [.spaceSeparator], "Zl": [.lineSeparator], "Zp": [.paragraphSeparator],
            "Cc": [.control], "Cf": [.format], "Cs": [.surrogate], "Co": [.privateUse], "Cn": [.unassigned],
        ]
        let key = name.count > 2 ? ["Letter": "L", "Mark": "M", "Number": "N", "Punctuation": "P", "Symbol": "S",
                                    "Separator": "Z", "Other": "C"][name] ?? name : name
        guard let list = families[key] else { return nil }
        var set = ScalarSet()
        for category in list { set.insert(category: category) }
        return set
    }
}

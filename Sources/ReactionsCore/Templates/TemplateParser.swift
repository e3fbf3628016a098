extension Template {
    /// Parses `source`; a syntax error, an unknown filter or a misused argument throws.
    public init(parsing source: String) throws(TemplateError) {
        // Most strings in a config have no substitution at all.
        if !source.utf8.contains(UInt8(ascii: "#")) {
            self.source = source
            self.parts = source.isEmpty ? [] : [.literal(source)]
            return
        }
        let chars = Array(source)
        var parts: [Part] = []
        var literal = ""
        var i = 0
        while i < chars.count {
            if chars[i] == "#", i + 2 < chars.count, chars[i + 1] == "#", chars[i + 2] == "{" {
                literal += "#{"
                i += 3
                continue
            }
            if chars[i] == "#", i + 1 < chars.count, chars[i + 1] == "{" {
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                var scanner = ExpressionScanner(chars: chars, index: i + 2, start: i)
                parts.append(.expression(try scanner.parse()))
                i = scanner.index
                continue
            }
            literal.append(chars[i])
            i += 1
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.source = source
        self.parts = parts
    }

    /// A template with no substitutions, for values that are literal by construction.
    public init(literal: String) {
        source = literal.replacingOccurrences(of: "#{", with: "##{")
        parts = literal.isEmpty ? [] : [.literal(literal)]
    }
}

private struct ExpressionScanner {
    let chars: [Character]
    var index: Int
    let start: Int

    func fail(_ message: String, at offset: Int? = nil) -> TemplateError {
        TemplateError(message: message, offset: offset ?? start)
    }

    mutating func skipSpaces() {
        while index < chars.count, chars[index] == " " { index += 1 }
    }

    func isNameChar(_ c: Character) -> Bool {
        guard let b = c.asciiValue else { return false }
        return (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
    }

    mutating func name() -> String {
        var out = ""
        while index < chars.count, isNameChar(chars[index]) { out.append(chars[index]); index += 1 }
        return out
    }

    mutating func parse() throws(TemplateError) -> Template.Expression {
        skipSpaces()
        var path: [String] = []
        while true {
            let segment = name()
            if segment.isEmpty {
                throw fail(index < chars.count && chars[index] != "}"
                    ? "unexpected `\(chars[index])` in a variable name; use letters, digits, `_`, `-` and `.`"
                    : "a variable name is expected after `#{`", at: index)
            }
            path.append(segment)
            if index < chars.count, chars[index] == "." { index += 1; continue }
            break
        }
        var filters: [Template.FilterCall] = []
        while true {
            skipSpaces()
            guard index < chars.count else { throw fail("`#{` is not closed; add `}`") }
            if chars[index] == "}" { index += 1; break }
            guard chars[index] == "|" else {
                throw fail("unexpected `\(chars[index])` in `#{…}`; expected `|` or `}`", at: index)
            }
            index += 1
            skipSpaces()
            let filterStart = index
            let filterName = name()
            guard let takesArgument = Template.knownFilters[filterName] else {
                let known = Template.knownFilters.keys.sorted().joined(separator: ", ")
                throw fail(filterName.isEmpty ? "a filter name is expected after `|`"
                           : "unknown filter `\(filterName)`; known filters: \(known)", at: filterStart)
            }
            skipSpaces()
            var argument: JSON? = nil
            if index < chars.count, chars[index] == ":" {
                index += 1
                skipSpaces()
                argument = try literal()
            }
            if takesArgument && argument == nil {
                throw fail("the filter `\(filterName)` needs a value, as in `| \(filterName): \"x\"`", at: filterStart)
            }
            if !takesArgument && argument != nil {
                throw fail("the filter `\(filterName)` takes no value", at: filterStart)
            }
            filters.append(Template.FilterCall(name: filterName, argument: argument))
        }
        return Template.Expression(path: path, filters: filters, offset: start)
    }

    /// A JSON scalar: a double-quoted string, a number, `true`, `false` or `null`.
    mutating func literal() throws(TemplateError) -> JSON {
        guard index < chars.count else { throw fail("a value is expected after `:`") }
        if chars[index] == "\"" {
            let open = index
            index += 1
            var text = ""
            while index < chars.count, chars[index] != "\"" {
                if chars[index] == "\\", index + 1 < chars.count {
                    index += 1
                    switch chars[index] {
                    case "n": text.append("\n")
                    case "t": text.append("\t")
                    default: text.append(chars[index])
                    }
                } else {
                    text.append(chars[index])
                }
                index += 1
            }
            guard index < chars.count else { throw fail("the quoted value is not closed; add `\"`", at: open) }
            index += 1
            return .string(text)
        }
        var word = ""
        while index < chars.count, chars[index] != " ", chars[index] != "|", chars[index] != "}" {
            word.append(chars[index]); index += 1
        }
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            if let node = try? JSONParser.parse(word), case .number(let n) = node.kind { return .number(n) }
            throw fail("`\(word)` is not a value; quote text as in `\"\(word)\"`", at: index - word.count)
        }
    }
}

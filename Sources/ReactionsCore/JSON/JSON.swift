/// A JSON value whose objects keep their members in order.
///
/// Order matters twice in `reactions`: `fmt` must not reshuffle what a person wrote,
/// and plans, state and hashes must be byte-identical for the same input (DESIGN
/// principle 5). Normalized data therefore sorts its keys once, on the way in, and
/// everything downstream can simply preserve order.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSON])
    case object([Member])

    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSON
        public init(_ key: String, _ value: JSON) {
            self.key = key
            self.value = value
        }
    }

    public static func int(_ value: Int) -> JSON { .number(JSONNumber(value)) }

    /// A decimal with a fixed number of places, e.g. a duration in milliseconds.
    public static func decimal(_ value: Double, places: Int) -> JSON {
        guard value.isFinite else { return .null }
        return .number(JSONNumber(lexeme: String(format: "%.\(places)f", value)))
    }

    /// Builds an object from pairs, keeping their order.
    public static func object(_ pairs: KeyValuePairs<String, JSON>) -> JSON {
        .object(pairs.map { Member($0.key, $0.value) })
    }

    /// Builds an object from a dictionary with its keys sorted, so the result is deterministic.
    public static func sortedObject(_ dictionary: [String: JSON]) -> JSON {
        .object(dictionary.keys.sorted().map { Member($0, dictionary[$0] ?? .null) })
    }

    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectMembers: [Member]? {
        if case .object(let m) = self { return m }
        return nil
    }

    public var intValue: Int? {
        if case .number(let n) = self { return n.intValue }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let n) = self { return n.doubleValue }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The value with every object's keys sorted, recursively.
    public var sortedKeys: JSON {
        switch self {
        case .array(let items): return .array(items.map(\.sortedKeys))
        case .object(let members):
            return .object(members.sorted { $0.key < $1.key }.map { Member($0.key, $0.value.sortedKeys) })
        default: return self
        }
    }

    /// A short name of the value's type for error messages ("a string", "an object").
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON number kept as its canonical text, so that large integers and decimals
/// round-trip exactly instead of passing through `Double`.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ value: Int) { text = String(value) }

    /// A whole number written as an integer, others in Swift's shortest round-tripping form
    /// (valid JSON); not finite: 0, since JSON has no spelling for it.
    public init(_ value: Double) {
        if !value.isFinite {
            text = "0"
        } else if value == value.rounded(), abs(value) < 1e15 {
            text = String(Int(value))
        } else {
            text = String(value)
        }
    }

    /// `lexeme` must already be a valid JSON number (the parsers that call this checked it).
    public init(lexeme: String) {
        // Integers are canonicalised ("-0" → "0"); everything else keeps its spelling.
        if let i = Int(lexeme) { text = String(i) } else { text = lexeme }
    }

    /// A number from its text; nil unless the text is exactly one JSON number.
    public init?(text: String) {
        guard case .number(let number)? = try? JSONParser.value(text) else { return nil }
        self = number
    }

    public var intValue: Int? { Int(text) }
    public var doubleValue: Double? { Double(text) }
    public var description: String { text }
}

import Foundation

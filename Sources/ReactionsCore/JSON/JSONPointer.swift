/// An RFC 6901 JSON pointer, built up while walking a document.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible, Comparable {
    public private(set) var tokens: [String]

    public init(_ tokens: [String] = []) { self.tokens = tokens }

    public static let root = JSONPointer()

    public func appending(_ key: String) -> JSONPointer {
        var copy = self
        copy.tokens.append(key)
        return copy
    }

    public func appending(_ index: Int) -> JSONPointer { appending(String(index)) }

    public static func / (lhs: JSONPointer, rhs: String) -> JSONPointer { lhs.appending(rhs) }
    public static func / (lhs: JSONPointer, rhs: Int) -> JSONPointer { lhs.appending(rhs) }

    public var description: String {
        tokens.isEmpty ? "" : "/" + tokens.map {
            $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }.joined(separator: "/")
    }

    /// The same path written the way people read it: `reactions[1].then.http.url`.
    public var dotted: String {
        var out = ""
        for token in tokens {
            if !token.isEmpty, token.allSatisfy(\.isNumber) {
                out += "[\(token)]"
            } else if token.contains(".") || token.contains(" ") || token.isEmpty {
                out += "[\"\(token)\"]"
            } else {
                out += out.isEmpty ? token : ".\(token)"
            }
        }
        return out.isEmpty ? "(document)" : out
    }

    public static func < (a: JSONPointer, b: JSONPointer) -> Bool {
        a.tokens.lexicographicallyPrecedes(b.tokens)
    }
}

import Foundation

/// `application/x-www-form-urlencoded` pairs (query strings and form bodies).
public enum QueryString {
    /// Every pair, in order.
    public static func pairs(_ text: Substring) -> [(String, String)] {
        text.split(separator: "&").filter { !$0.isEmpty }.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The fields of a form body in the order their names first appear, each with its
    /// values in order; nil when it has more than `maximumPairs` pairs. Linear in the body:
    /// a repeated name is found through a table, not by scanning the fields so far.
    public static func fields(_ text: Substring, maximumPairs: Int) -> [(name: String, values: [String])]? {
        var fields: [(name: String, values: [String])] = []
        var positions: [String: Int] = [:]
        var count = 0
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            count += 1
            guard count <= maximumPairs else { return nil }
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0]), value = parts.count > 1 ? decode(parts[1]) : ""
            if let position = positions[name] {
                fields[position].values.append(value)
            } else {
                positions[name] = fields.count
                fields.append((name, [value]))
            }
        }
        return fields
    }

    /// The last value of each name.
    public static func parse(_ text: Substring) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in pairs(text) { out[key] = value }
        return out
    }

    public static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var i = text.utf8.startIndex
        let utf8 = text.utf8
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "+") {
                bytes.append(32)
            } else if b == UInt8(ascii: "%"), let h1 = utf8.index(i, offsetBy: 1, limitedBy: utf8.endIndex), h1 < utf8.endIndex,
                      let h2 = utf8.index(i, offsetBy: 2, limitedBy: utf8.endIndex), h2 < utf8.endIndex,
                      let hi = Hex.nibble(utf8[h1]), let lo = Hex.nibble(utf8[h2]) {
                bytes.append(hi << 4 | lo)
                i = h2
            } else {
                bytes.append(b)
            }
            i = utf8.index(after: i)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// RFC 3986 percent-encoding: everything but the unreserved characters.
public enum PercentEncoding {
    public static func encode(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(b >> 4)])
                out.unicodeScalars.append(hex[Int(b & 0xF)])
            }
        }
        return out
    }
}

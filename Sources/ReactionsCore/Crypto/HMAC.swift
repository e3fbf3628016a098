/// HMAC-SHA256 (RFC 2104), tested against RFC 4231's vectors. Signs outgoing webhooks and
/// verifies incoming ones (GitHub, Standard Webhooks, custom header signatures).
public enum HMACSHA256 {
    static let blockSize = 64

    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var key = key
        if key.count > blockSize { key = SHA256.hash(key) }
        key += [UInt8](repeating: 0, count: blockSize - key.count)
        var inner = SHA256()
        inner.update(key.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(key.map { $0 ^ 0x5C })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// Whether `code` is the authentication code of `message`, compared in constant time.
    public static func verify(_ code: [UInt8], key: [UInt8], message: [UInt8]) -> Bool {
        ConstantTimeCompare.equals(authenticationCode(key: key, message: message), code)
    }
}

/// Comparison whose duration does not depend on where two byte strings differ, so a
/// caller cannot learn a secret one byte at a time (DESIGN principle 3).
public enum ConstantTimeCompare {
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }
}

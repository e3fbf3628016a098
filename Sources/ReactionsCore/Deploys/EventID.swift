#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Event ids are UUIDv7 (RFC 9562): time-ordered, so stored events append to their index
/// instead of landing at random pages, and sort by creation.
///
/// One is made for every deploy on the request's thread, so it is written straight into
/// the string's storage, with its 74 random bits from one `arc4random_buf` call (a
/// user-space generator seeded by the kernel) rather than a system call per word.
public enum EventID {
    public static func make() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let millis = UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
        var random: (UInt64, UInt16) = (0, 0)
        withUnsafeMutableBytes(of: &random) { if let base = $0.baseAddress { arc4random_buf(base, 10) } }
        // 48 bits of time, version 7, 12 random bits | variant 10, 62 random bits.
        let high = millis << 16 | 0x7000 | UInt64(random.1 & 0x0FFF)
        let low = 0x8000_0000_0000_0000 | (random.0 & 0x3FFF_FFFF_FFFF_FFFF)
        return String(unsafeUninitializedCapacity: 36) { out in
            let digits: StaticString = "0123456789abcdef"
            var at = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    out[at] = digits.utf8Start[Int(value >> UInt64(shift) & 0xF)]
                    at += 1
                }
            }
            func dash() { out[at] = UInt8(ascii: "-"); at += 1 }
            put(high >> 32, nibbles: 8); dash()
            put(high >> 16, nibbles: 4); dash()
            put(high, nibbles: 4); dash()
            put(low >> 48, nibbles: 4); dash()
            put(low, nibbles: 12)
            return at
        }
    }
}

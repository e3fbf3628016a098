#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Event ids are UUIDv7 (RFC 9562): time-ordered, so stored events append to their index
/// instead of landing at random pages, and sort by creation.
///
/// One is made for every deploy on the request's thread, so it is written straight into
/// the string's storage, and its 74 random bits come from a generator seeded once per
/// process by the kernel: glibc's `arc4random_buf` and Swift's system generator make a
/// system call every time. The bits are there to keep ids unique, not secret; nothing
/// authorizes anything by knowing an event id.
public enum EventID {
    public static func make() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let now = UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
        let (millis, counter, random) = state.withLock { state in state.next(now: now) }
        // 48 bits of time, version 7, a 12-bit counter | variant 10, 62 random bits.
        let high = millis << 16 | 0x7000 | UInt64(counter)
        let low = 0x8000_0000_0000_0000 | (random & 0x3FFF_FFFF_FFFF_FFFF)
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

    /// When an id made here was made, in milliseconds since the epoch; nil for anything that
    /// is not a UUIDv7 (retention uses it to tell a pruned id from one never seen).
    public static func milliseconds(of id: String) -> Int64? {
        let bytes = Array(id.utf8)
        guard bytes.count == 36, bytes[8] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: "-"),
              bytes[14] == UInt8(ascii: "7") else { return nil }
        var value: Int64 = 0
        for byte in bytes[0..<8] + bytes[9..<13] {
            guard let digit = hexDigit(byte) else { return nil }
            value = value << 4 | Int64(digit)
        }
        return value
    }

    /// The ids made before `milliseconds` are exactly those that sort below this text (the
    /// time is the id's first 48 bits, written as lowercase hex), so a range scan of an
    /// index on ids finds everything older than a cutoff.
    public static func lowerBound(milliseconds: Int64) -> String {
        // Clamped to the 48 bits an id holds: before the epoch sorts below every id, after
        // the year 10889 above every one.
        let milliseconds = min(max(0, milliseconds), 0xFFFF_FFFF_FFFF)
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for shift in stride(from: 44, through: 0, by: -4) {
            out.append(digits[Int(UInt64(bitPattern: milliseconds) >> UInt64(shift) & 0xF)])
            if shift == 16 { out.append(UInt8(ascii: "-")) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    private static let state = Mutex(Sequence())

    /// Ids from one process strictly increase (RFC 9562 §6.2, method 1: a counter in
    /// `rand_a`). With random bits there, ids made in the same millisecond landed in random
    /// order, and every index keyed by them (events, deliveries, attempts) split pages in
    /// the middle, leaving them half empty: attempts took 167 bytes a row for 84 of data.
    struct Sequence {
        var generator = Xoshiro256StarStar(seed: SystemRandomNumberGenerator())
        var millis: UInt64 = 0
        var counter: UInt16 = 0

        /// The next id's time, counter and random bits. The counter starts each millisecond
        /// at a random value below 2,048 (so it rarely runs out); when it does, or when the
        /// clock steps back, the time is carried forward from the last id instead.
        mutating func next(now: UInt64) -> (millis: UInt64, counter: UInt16, random: UInt64) {
            let random = generator.next()
            if now > millis {
                millis = now
                counter = UInt16(truncatingIfNeeded: random >> 53) & 0x07FF
            } else if counter < 0x0FFF {
                counter += 1
            } else {
                millis += 1
                counter = UInt16(truncatingIfNeeded: random >> 53) & 0x07FF
            }
            return (millis, counter, random)
        }
    }
}

/// xoshiro256** (Blackman and Vigna): fast, 256 bits of state, passes BigCrush.
struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    init(seed source: some RandomNumberGenerator) {
        var source = source
        repeat {
            s = (source.next(), source.next(), source.next(), source.next())
        } while s == (0, 0, 0, 0)
    }

    /// A given state, for checking against the reference implementation.
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        s = state
    }

    mutating func next() -> UInt64 {
        let result = rotate(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotate(s.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

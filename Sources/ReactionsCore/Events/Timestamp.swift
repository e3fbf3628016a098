import Synchronization

/// Timestamps: OpsLevel's `2019-02-01 13:28:33` (read as UTC) and ISO 8601 /
/// RFC 3339 (`2019-02-01T13:28:33Z`, `…+02:00`, fractional seconds), normalized to
/// RFC 3339 in UTC with millisecond precision.
public enum Timestamp {
    public static func normalize(_ text: String) -> String? {
        let b = Array(text.utf8)
        func num(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var v = 0
            for i in start..<start + count {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 10, let year = num(0, 4), b[4] == 0x2D, let month = num(5, 2), b[7] == 0x2D, let day = num(8, 2),
              (1...12).contains(month), (1...daysIn(month, year)).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0, offsetMinutes = 0
        var i = 10
        if i < b.count {
            guard b[i] == 0x20 || b[i] == 0x54 || b[i] == 0x74, let h = num(i + 1, 2), b.count > i + 3, b[i + 3] == 0x3A,
                  let m = num(i + 4, 2) else { return nil }
            hour = h; minute = m
            i += 6
            if i < b.count, b[i] == 0x3A {
                guard let s = num(i + 1, 2) else { return nil }
                second = s
                i += 3
            }
            if i < b.count, b[i] == 0x2E || b[i] == 0x2C {
                i += 1
                var digits = 0, value = 0
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                    if digits < 3 { value = value * 10 + Int(b[i] - 0x30) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                if digits < 3 { for _ in digits..<3 { value *= 10 } }
                millis = value
            }
            if i < b.count {
                if b[i] == 0x5A || b[i] == 0x7A {
                    i += 1
                } else if b[i] == 0x2B || b[i] == 0x2D {
                    let sign = b[i] == 0x2B ? 1 : -1
                    guard let oh = num(i + 1, 2) else { return nil }
                    var om = 0
                    if i + 3 < b.count, b[i + 3] == 0x3A, let m = num(i + 4, 2) { om = m; i += 6 }
                    else if let m = num(i + 3, 2) { om = m; i += 5 }
                    else { i += 3 }
                    guard oh <= 23, om <= 59 else { return nil }
                    offsetMinutes = sign * (oh * 60 + om)
                } else if b[i] == 0x20, text.hasSuffix(" UTC") {
                    i = b.count
                }
            }
            guard i == b.count, hour <= 23, minute <= 59, second <= 60 else { return nil }
        }
        // Shift by the offset through days since the epoch, so month and year roll over correctly.
        var total = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetMinutes * 60
        let days = Int((Double(total) / 86_400).rounded(.down))
        total -= days * 86_400
        let (y, mo, d) = civilFromDays(days)
        guard (1...9999).contains(y) else { return nil }
        return write(year: y, month: mo, day: d, secondOfDay: total, millisecond: millis)
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Now, in the same normalized form.
    public static func now() -> String {
        let milliseconds = epochMilliseconds()
        return lastNow.withLock { last in
            if last.milliseconds != milliseconds { last = (milliseconds, format(milliseconds: milliseconds)) }
            return last.text
        }
    }

    /// The last answer of `now()`, by its millisecond: a busy server asks dozens of times a
    /// millisecond (each deploy's receipt, each request's log line), and formatting cost
    /// ~1,400 instructions a call.
    private static let lastNow = Mutex<(milliseconds: Int64, text: String)>((-1, ""))

    /// Milliseconds since the epoch of a time in any form `normalize` reads (no zone: UTC).
    public static func milliseconds(_ text: String) -> Int64? {
        guard let normal = normalize(text) else { return nil }
        let b = Array(normal.utf8)
        func num(_ start: Int, _ count: Int) -> Int {
            b[start..<start + count].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        let days = daysFromCivil(num(0, 4), num(5, 2), num(8, 2))
        let seconds = days * 86_400 + num(11, 2) * 3600 + num(14, 2) * 60 + num(17, 2)
        return Int64(seconds) * 1000 + Int64(num(20, 3))
    }

    /// Milliseconds since the Unix epoch: how the outbox schedules attempts.
    public static func epochMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, written digit by digit into the string's storage: every
    /// request log line and every event carry one, and interpolating it cost more than the
    /// rest of normalizing a deploy's `deployed_at`.
    static func write(year: Int, month: Int, day: Int, secondOfDay: Int, millisecond: Int) -> String {
        String(unsafeUninitializedCapacity: 24) { out in
            var at = 0
            func put(_ value: Int, digits: Int, then separator: UInt8) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    out[at] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    at += 1
                    divisor /= 10
                }
                out[at] = separator
                at += 1
            }
            put(year, digits: 4, then: UInt8(ascii: "-"))
            put(month, digits: 2, then: UInt8(ascii: "-"))
            put(day, digits: 2, then: UInt8(ascii: "T"))
            put(secondOfDay / 3600, digits: 2, then: UInt8(ascii: ":"))
            put(secondOfDay / 60 % 60, digits: 2, then: UInt8(ascii: ":"))
            put(secondOfDay % 60, digits: 2, then: UInt8(ascii: "."))
            put(millisecond, digits: 3, then: UInt8(ascii: "Z"))
            return at
        }
    }

    /// RFC 3339 in UTC with milliseconds.
    public static func format(milliseconds: Int64) -> String {
        let millis = Int(milliseconds)
        let seconds = millis / 1000
        let days = seconds / 86_400
        let rest = seconds % 86_400
        let (y, mo, d) = civilFromDays(days)
        guard millis >= 0, y <= 9999 else {
            // Before 1970 or past four-digit years (a clock gone very wrong), spelled out plainly.
            return "\(y)-\(mo)-\(d)T\(rest / 3600):\(rest / 60 % 60):\(rest % 60).\(millis % 1000)Z"
        }
        return write(year: y, month: mo, day: d, secondOfDay: rest, millisecond: millis % 1000)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Foundation
import Testing
@testable import ReactionsCore

@Suite("Timestamps")
struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_234_567_890_123, "2009-02-13T23:31:30.123Z"),
        (951_782_400_007, "2000-02-29T00:00:00.007Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func formatsRFC3339WithMilliseconds(milliseconds: Int64, expected: String) {
        #expect(Timestamp.format(milliseconds: milliseconds) == expected)
    }

    @Test func agreesWithFoundationOnRandomInstants() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = Xoshiro256StarStar(state: (7, 11, 13, 17))
        for _ in 0..<2_000 {
            let millis = Int64(generator.next() % 4_102_444_800_000)   // 1970 to 2100
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            #expect(Timestamp.format(milliseconds: millis) == formatter.string(from: date), "\(millis)")
        }
    }

    /// `now()` keeps its last answer for the rest of that millisecond: it must never be
    /// stale, from any thread.
    @Test func nowIsTheCurrentMillisecondFromEveryThread() {
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<20_000 {
                let before = Timestamp.epochMilliseconds()
                let text = Timestamp.now()
                let after = Timestamp.epochMilliseconds()
                guard let read = Timestamp.milliseconds(text), before <= read, read <= after else {
                    Issue.record("now() gave \(text) between \(before) and \(after)")
                    return
                }
            }
        }
    }
}

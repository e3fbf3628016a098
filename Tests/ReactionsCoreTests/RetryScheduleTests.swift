import Testing
@testable import ReactionsCore

@Suite struct RetryScheduleTests {
    @Test func theDefaultIsTheStandardWebhooksSchedule() {
        let schedule = RetrySchedule(policy: nil)
        #expect(schedule.maxAttempts == 8)
        // With the jitter's midpoint the waits are exactly 5s, 5m, 30m, 2h, 5h, 10h, 10h.
        let waits = (1...7).compactMap { schedule.delay(after: $0, random: 0.5) }
        #expect(waits == [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000].map { Int64($0) * 1000 })
        #expect(schedule.delay(after: 8, random: 0.5) == nil, "the eighth attempt is the last")
    }

    @Test func jitterStaysWithinTwentyPercent() {
        let schedule = RetrySchedule(policy: nil)
        #expect(schedule.delay(after: 2, random: 0) == 240_000)
        #expect(schedule.delay(after: 2, random: 0.999_999) == 360_000)
        for _ in 0..<200 {
            let wait = schedule.delay(after: 3, random: Double.random(in: 0..<1)) ?? 0
            #expect((1_440_000...2_160_000).contains(wait))
        }
    }

    @Test func aReactionsOverrideScalesCapsAndCounts() {
        let policy = RetryPolicy(maxAttempts: 10, initialDelay: DurationValue(parsing: "1s"), maxDelay: DurationValue(parsing: "10m"))
        let schedule = RetrySchedule(policy: policy)
        #expect(schedule.maxAttempts == 10)
        // 1s, then the default's ratios (×60, ×6, ×4…), capped at 10m; past the table the last wait repeats.
        #expect(schedule.delays == [1_000, 60_000, 360_000, 600_000, 600_000, 600_000, 600_000, 600_000, 600_000])
        #expect(RetrySchedule(policy: RetryPolicy(maxAttempts: 1, initialDelay: nil, maxDelay: nil)).delay(after: 1, random: 0.5) == nil)
        // The design card's example override is the default.
        let example = RetryPolicy(maxAttempts: 8, initialDelay: DurationValue(parsing: "5s"), maxDelay: DurationValue(parsing: "10h"))
        #expect(RetrySchedule(policy: example) == RetrySchedule(policy: nil))
    }

    @Test func retryAfterIsHonouredButCapped() {
        let schedule = RetrySchedule(policy: nil)
        #expect(schedule.delay(after: 1, retryAfterSeconds: 120, random: 0.5) == 120_000)
        #expect(schedule.delay(after: 1, retryAfterSeconds: 86_400, random: 0.5) == RetrySchedule.retryAfterCap)
        // "Retry-After: 0" does not turn retries into a tight loop.
        #expect(schedule.delay(after: 1, retryAfterSeconds: 0, random: 0.5) == 5_000)
        // The last attempt stays the last, whatever the receiver asks.
        #expect(schedule.delay(after: 8, retryAfterSeconds: 10, random: 0.5) == nil)
    }
}

import Testing
@testable import ReactionsCore

/// Every figure against a fixture computed by hand (issue 15).
@Suite struct DORAMetricsTests {
    static let since = Timestamp.milliseconds("2026-11-01T00:00:00Z") ?? 0
    static let until = since + 28 * 86_400_000
    static func at(day: Int, hour: Int) -> Int64 { since + Int64(day) * 86_400_000 + Int64(hour) * 3_600_000 }

    static func deploy(_ service: String, _ environment: String?, _ status: String, day: Int, hour: Int, leadSeconds: Int64? = nil) -> DORAMetrics.Deploy {
        let deployed = at(day: day, hour: hour)
        return DORAMetrics.Deploy(service: service, environment: environment, status: status, deployedAt: deployed,
                                  committedAt: leadSeconds.map { deployed - $0 * 1000 })
    }

    /// Given out of order on purpose.
    static let fixture: [DORAMetrics.Deploy] = [
        deploy("cart", "Production", "succeeded", day: 9, hour: 10),                       // restores the failure of day 8: 86,400 s
        deploy("cart", "Production", "succeeded", day: 0, hour: 10, leadSeconds: 3_600),
        deploy("cart", "Production", "failed", day: 1, hour: 10, leadSeconds: 7_200),
        deploy("cart", "Production", "succeeded", day: 1, hour: 12),                       // no commit; restores day 1's: 7,200 s
        deploy("cart", "Production", "succeeded", day: 2, hour: 10, leadSeconds: 14_400),
        deploy("cart", "Production", "failed", day: 8, hour: 10, leadSeconds: 1_800),
        deploy("cart", "Production", "failed", day: 8, hour: 11),                           // still failing: the restore counts from 10:00
        deploy("cart", "Production", "started", day: 15, hour: 10, leadSeconds: -60),       // committed after it deployed: skipped
        deploy("search", nil, "failed", day: 20, hour: 9, leadSeconds: 0),                  // never restored; a lead time of 0 is skipped
        deploy("cart", "Production", "succeeded", day: -1, hour: 10, leadSeconds: 60),      // before the window
        deploy("cart", "Production", "succeeded", day: 28, hour: 0, leadSeconds: 60),       // at its end: outside
    ]

    @Test func everyFigureMatchesTheHandComputedFixture() throws {
        let groups = DORAMetrics.groups(Self.fixture, since: Self.since, until: Self.until)
        #expect(groups.map(\.service) == ["cart", "search"])
        let cart = try #require(groups.first)
        #expect(cart.environment == "Production" && cart.deploys == 8 && cart.failed == 3)
        #expect(cart.deploysPerDay == 8.0 / 28)
        // Deploy days per week: 3, 2, 1, 0: the median week has 1.5 days, so weekly.
        #expect(cart.frequencyBand == "weekly")
        #expect(cart.leadTime?.median == 5_400 && cart.leadTime?.p90 == 14_400 && cart.leadTimeSamples == 4)
        #expect(cart.changeFailureRate == 3.0 / 7)
        #expect(cart.timeToRestore == 46_800 && cart.timeToRestoreSamples == 2)
        let search = try #require(groups.last)
        #expect(search.environment == nil && search.deploys == 1 && search.failed == 1 && search.changeFailureRate == 1)
        #expect(search.leadTime == nil && search.leadTimeSamples == 0 && search.timeToRestore == nil && search.timeToRestoreSamples == 0)
        #expect(search.frequencyBand == "monthly")
    }

    @Test func bands() {
        // A deploy every weekday: daily. Nothing at all: yearly.
        let weekdays = (0..<28).filter { $0 % 7 < 5 }.map { Self.deploy("a", nil, "succeeded", day: $0, hour: 9) }
        #expect(DORAMetrics.groups(weekdays, since: Self.since, until: Self.until).first?.frequencyBand == "daily")
        #expect(DORAMetrics.band([], since: Self.since, until: Self.until) == "yearly")
        // One deploy in ninety days: the median 30-day month has none.
        let ninety = Self.since + 90 * 86_400_000
        #expect(DORAMetrics.band([Self.at(day: 3, hour: 1)], since: Self.since, until: ninety) == "yearly")
    }

    @Test func jsonNamesEveryFigureAndNullsWhatHasNoSample() throws {
        let groups = DORAMetrics.groups(Self.fixture, since: Self.since, until: Self.until)
        let json = DORAMetrics.json(groups, since: Self.since, until: Self.until)
        #expect(json["since"] == .string("2026-11-01T00:00:00.000Z") && json["until"] == .string("2026-11-29T00:00:00.000Z"))
        let search = try #require(json["groups"]?.arrayValue?.last)
        #expect(search.compactText == #"{"service":"search","environment":null,"deploys":1,"failed":1,"deploys_per_day":0.03571428571428571,"frequency_band":"monthly","lead_time_seconds":{"median":null,"p90":null,"samples":0},"change_failure_rate":1,"time_to_restore_seconds":{"median":null,"samples":0}}"#)
        #expect(Timestamp.milliseconds("2019-02-01 13:28:33") == Timestamp.milliseconds("2019-02-01T15:28:33+02:00"))
    }
}

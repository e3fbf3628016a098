/// The four DORA metrics of recorded deploys, per service and environment, over a window,
/// with the definitions of Google's Four Keys:
///
/// * deployment frequency: deploys per day of the window, and a band: `daily` when the
///   median week of the window has deploys on 3 or more days, `weekly` when it has any,
///   `monthly` when the median 30-day month has any, else `yearly`;
/// * lead time for changes: `deployed_at − commit.date` (else `commit.authoring_date`), of
///   deploys that carry a commit, values ≤ 0 skipped; median and 90th percentile;
/// * change failure rate: failed ÷ finished (succeeded + failed) deploys;
/// * time to restore: from a failed deploy to the next succeeded deploy of the same service
///   and environment; median. A failure never followed by a success has no sample.
///
/// Medians of an even count are the mean of the middle two; the 90th percentile is the
/// nearest rank (the ⌈0.9·n⌉-th smallest). Pure: the caller reads the deploys.
public enum DORAMetrics {
    /// One deploy as the metrics see it.
    public struct Deploy: Sendable, Equatable {
        public var service: String
        public var environment: String?
        /// `started`, `succeeded` or `failed`.
        public var status: String
        /// Milliseconds since the epoch.
        public var deployedAt: Int64
        /// When its commit was made, if it carries one.
        public var committedAt: Int64?

        public init(service: String, environment: String?, status: String, deployedAt: Int64, committedAt: Int64?) {
            self.service = service
            self.environment = environment
            self.status = status
            self.deployedAt = deployedAt
            self.committedAt = committedAt
        }

        /// From a deploy's OpsLevel payload: `commit.date`, else `commit.authoring_date`.
        public static func committedAt(payload: JSON) -> Int64? {
            guard let commit = payload["commit"] else { return nil }
            for key in ["date", "authoring_date"] {
                if let text = commit[key]?.stringValue, let at = Timestamp.milliseconds(text) { return at }
            }
            return nil
        }
    }

    public struct Group: Sendable, Equatable {
        public var service: String
        public var environment: String?
        public var deploys: Int
        public var failed: Int
        public var deploysPerDay: Double
        public var frequencyBand: String
        public var leadTime: (median: Double, p90: Double)?
        public var leadTimeSamples: Int
        public var changeFailureRate: Double?
        public var timeToRestore: Double?
        public var timeToRestoreSamples: Int

        public static func == (a: Group, b: Group) -> Bool {
            a.service == b.service && a.environment == b.environment && a.deploys == b.deploys && a.failed == b.failed
                && a.deploysPerDay == b.deploysPerDay && a.frequencyBand == b.frequencyBand
                && a.leadTime?.median == b.leadTime?.median && a.leadTime?.p90 == b.leadTime?.p90 && a.leadTimeSamples == b.leadTimeSamples
                && a.changeFailureRate == b.changeFailureRate && a.timeToRestore == b.timeToRestore
                && a.timeToRestoreSamples == b.timeToRestoreSamples
        }
    }

    static let day: Int64 = 86_400_000

    /// The groups, by service then environment. Deploys outside `since..<until` are ignored,
    /// in whatever order they come.
    public static func groups(_ deploys: [Deploy], since: Int64, until: Int64) -> [Group] {
        var byKey: [String: [Deploy]] = [:]
        var keys: [(String, String?)] = []
        for deploy in deploys where deploy.deployedAt >= since && deploy.deployedAt < until {
            let key = deploy.service + "\u{1F}" + (deploy.environment.map { "=" + $0 } ?? "")
            if byKey[key] == nil { keys.append((deploy.service, deploy.environment)) }
            byKey[key, default: []].append(deploy)
        }
        keys.sort { ($0.0, $0.1 ?? "") < ($1.0, $1.1 ?? "") }
        return keys.map { service, environment in
            let key = service + "\u{1F}" + (environment.map { "=" + $0 } ?? "")
            return group(service: service, environment: environment, byKey[key] ?? [], since: since, until: until)
        }
    }

    static func group(service: String, environment: String?, _ unsorted: [Deploy], since: Int64, until: Int64) -> Group {
        let deploys = unsorted.sorted { $0.deployedAt < $1.deployedAt }
        let failed = deploys.filter { $0.status == "failed" }.count
        let finished = deploys.filter { $0.status == "failed" || $0.status == "succeeded" }.count
        let days = max(1, Double(until - since) / Double(day))
        let leadTimes = deploys.compactMap { d -> Double? in
            guard let committed = d.committedAt, d.deployedAt > committed else { return nil }
            return Double(d.deployedAt - committed) / 1000
        }.sorted()
        var restores: [Double] = []
        var failedAt: Int64? = nil
        for d in deploys {
            if d.status == "failed" {
                if failedAt == nil { failedAt = d.deployedAt }
            } else if d.status == "succeeded", let start = failedAt {
                restores.append(Double(d.deployedAt - start) / 1000)
                failedAt = nil
            }
        }
        restores.sort()
        return Group(service: service, environment: environment, deploys: deploys.count, failed: failed,
                     deploysPerDay: Double(deploys.count) / days,
                     frequencyBand: band(deploys.map(\.deployedAt), since: since, until: until),
                     leadTime: leadTimes.isEmpty ? nil : (median(leadTimes), nearestRank(leadTimes, 0.9)), leadTimeSamples: leadTimes.count,
                     changeFailureRate: finished == 0 ? nil : Double(failed) / Double(finished),
                     timeToRestore: restores.isEmpty ? nil : median(restores), timeToRestoreSamples: restores.count)
    }

    /// Four Keys' band, from the deploy days of each week and month of the window.
    static func band(_ times: [Int64], since: Int64, until: Int64) -> String {
        func medianCount(period: Int64, distinctDays: Bool) -> Double {
            let periods = max(1, Int((until - since + period - 1) / period))
            var sets = Array(repeating: Set<Int64>(), count: periods)
            for t in times {
                let index = Int((t - since) / period)
                guard index >= 0 && index < periods else { continue }
                sets[index].insert(distinctDays ? (t - since) / day : t)
            }
            return median(sets.map { Double($0.count) }.sorted())
        }
        if medianCount(period: 7 * day, distinctDays: true) >= 3 { return "daily" }
        if medianCount(period: 7 * day, distinctDays: true) >= 1 { return "weekly" }
        if medianCount(period: 30 * day, distinctDays: true) >= 1 { return "monthly" }
        return "yearly"
    }

    static func median(_ sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func nearestRank(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    /// The JSON of `GET /api/v1/stats` and `reactions stats --format json`.
    public static func json(_ groups: [Group], since: Int64, until: Int64) -> JSON {
        func number(_ x: Double?) -> JSON { x.map { .number(JSONNumber($0)) } ?? .null }
        return .object([
            .init("since", .string(Timestamp.format(milliseconds: since))), .init("until", .string(Timestamp.format(milliseconds: until))),
            .init("groups", .array(groups.map { g in
                .object([
                    .init("service", .string(g.service)), .init("environment", g.environment.map(JSON.string) ?? .null),
                    .init("deploys", .int(g.deploys)), .init("failed", .int(g.failed)),
                    .init("deploys_per_day", number(g.deploysPerDay)), .init("frequency_band", .string(g.frequencyBand)),
                    .init("lead_time_seconds", .object([.init("median", number(g.leadTime?.median)), .init("p90", number(g.leadTime?.p90)),
                                                        .init("samples", .int(g.leadTimeSamples))])),
                    .init("change_failure_rate", number(g.changeFailureRate)),
                    .init("time_to_restore_seconds", .object([.init("median", number(g.timeToRestore)),
                                                              .init("samples", .int(g.timeToRestoreSamples))])),
                ])
            })),
        ])
    }
}

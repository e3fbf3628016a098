import ReactionsCore

/// `reactions stats` and `GET /api/v1/stats`: the DORA metrics (`DORAMetrics`) of the deploys
/// a store holds, read the same way for the CLI and the API.
public enum DeployStats {
    /// The most deploys one window reads (newest first); a window holding more says so
    /// (`"truncated": true`) and covers the newest ones.
    public static let limit = 100_000

    /// A window's start: a duration back from `now` (`30d`), or a time (UTC unless it says).
    public static func since(_ text: String, now: Int64) -> Int64? {
        if let duration = DurationValue(parsing: text) { return max(0, now - duration.milliseconds) }
        return Timestamp.milliseconds(text)
    }

    /// `query` names the services (resolved by the caller) and environment; its `since`
    /// and `limit` are set here. Times are milliseconds since the epoch.
    public static func json(_ store: any DeployStore, query: DeployQuery, since: Int64, until: Int64) throws(StoreError) -> JSON {
        var window = query
        window.since = Timestamp.format(milliseconds: since)
        window.limit = limit
        let deploys = try store.deploys(window)
        let samples = deploys.compactMap { d -> DORAMetrics.Deploy? in
            guard let at = Timestamp.milliseconds(d.deployedAt) else { return nil }
            return DORAMetrics.Deploy(service: d.serviceName ?? d.service, environment: d.environment, status: d.status, deployedAt: at,
                                      committedAt: DORAMetrics.Deploy.committedAt(payload: d.payload))
        }
        var json = DORAMetrics.json(DORAMetrics.groups(samples, since: since, until: until), since: since, until: until)
        if deploys.count == limit, case .object(var members) = json {
            members.append(.init("truncated", .bool(true)))
            json = .object(members)
        }
        return json
    }
}

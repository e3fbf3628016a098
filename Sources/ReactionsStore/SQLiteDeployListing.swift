import ReactionsCore

/// Listing deploys: every deploy newest first by id, or the lists of a service key or an
/// environment (migrations 13 and 15) merged newest first, from a time on (`--since`).
extension SQLiteDeployStore {
    static let deployColumns = """
        d.id, d.endpoint, d.service, d.service_name, d.environment, d.status, d.deploy_number, d.dedup_id, d.deployed_at,
        d.received_at, d.updated_at, d.payload, e.envelope, d.event_id
        """

    /// The SQL and values of a listing of every deploy (the schema tests read its query
    /// plan); by service or environment they go through `chainedDeploys`.
    static func listing(limit: Int, fromID: Int? = nil) -> (sql: String, values: [SQLiteValue]) {
        let sql = "SELECT \(deployColumns) FROM deploys d LEFT JOIN events e ON e.id = d.event_id"
        guard let fromID else { return (sql + " ORDER BY d.id DESC LIMIT ?", [.int(limit)]) }
        return (sql + " WHERE d.id >= ? ORDER BY d.id DESC LIMIT ?", [.int(fromID), .int(limit)])
    }

    /// The newest deploy of each of a service key's environments (or of the one given).
    static let headsSQL = "SELECT deploy_id FROM deploy_heads WHERE service = ?"
    static let headSQL = "SELECT deploy_id FROM deploy_heads WHERE service = ? AND environment = ?"
    /// The newest deploy of every service key in one environment (migration 15).
    static let environmentHeadsSQL = "SELECT deploy_id FROM deploy_heads WHERE environment = ?"
    /// One deploy and the one before it in its service and environment's list.
    static let chainedSQL = """
        SELECT \(deployColumns), c.previous_id
        FROM deploys d LEFT JOIN events e ON e.id = d.event_id LEFT JOIN deploy_chain c ON c.id = d.id
        WHERE d.id = ?
        """


    public func deploys(_ query: DeployQuery) throws(StoreError) -> [StoredDeploy] {
        var fromID: Int? = nil
        if let since = query.since {
            guard let first = try firstDeployID(receivedAtOrAfter: since) else { return [] }
            fromID = first
        }
        if query.services.isEmpty && query.environment == nil {
            let (sql, values) = Self.listing(limit: query.limit, fromID: fromID)
            let s = try db.prepare(sql)
            try s.bind(values)
            var out: [StoredDeploy] = []
            while try s.step() { out.append(Self.deploy(s)) }
            return out
        }
        return try chainedDeploys(query, fromID: fromID ?? 1)
    }

    /// The deploys of the query's service keys, or of its environment, newest first: each
    /// key and environment is a list from its newest deploy back (migration 13), so this
    /// merges a handful of lists (an environment: one per service deployed to it), taking
    /// the newest head each time: one statement by primary key per deploy returned.
    private func chainedDeploys(_ query: DeployQuery, fromID: Int) throws(StoreError) -> [StoredDeploy] {
        // One snapshot for the heads and the walk, as one statement would have.
        try db.transaction(immediate: false) { () throws(StoreError) -> [StoredDeploy] in
            try walkChains(query, fromID: fromID)
        }
    }

    private func walkChains(_ query: DeployQuery, fromID: Int) throws(StoreError) -> [StoredDeploy] {
        // The newest deploy of each list to merge: of the environment's, or of the keys'.
        let heads: SQLiteStatement
        let bindings: [[SQLiteValue]]
        if query.services.isEmpty, let environment = query.environment {
            heads = try statement(readEnvironmentHeads)
            bindings = [[.text(environment)]]
        } else {
            heads = try statement(query.environment == nil ? readHeads : readHead)
            bindings = query.services.map { key in query.environment.map { [.text(key), .text($0)] } ?? [.text(key)] }
        }
        var next: [Int] = []
        for values in bindings {
            try heads.bind(values)
            while try heads.step() { next.append(heads.int(0)) }
            heads.reset()
        }
        let read = try statement(readChained)
        var out: [StoredDeploy] = []
        while out.count < query.limit, let newest = next.indices.max(by: { next[$0] < next[$1] }), next[newest] >= fromID {
            try read.bind(.int(next[newest]))
            guard try read.step() else {
                // Pruned: retention removes each list's oldest deploys, so the list ends here.
                next[newest] = 0
                read.reset()
                continue
            }
            out.append(Self.deploy(read))
            next[newest] = read.isNull(14) ? 0 : read.int(14)
            read.reset()
        }
        return out
    }

    /// The first deploy received at or after `time`, found by bisecting the ids: they are
    /// given in the order deploys are received, so `received_at` grows with them, and about
    /// 24 primary-key lookups answer at ten million deploys without an index on the time
    /// (which every deploy would pay to maintain).
    func firstDeployID(receivedAtOrAfter time: String) throws(StoreError) -> Int? {
        let seek = try db.prepare("SELECT id, received_at FROM deploys WHERE id >= ? ORDER BY id LIMIT 1")
        defer { seek.reset() }
        var low = 0
        var high = try db.integer("SELECT coalesce(max(id), 0) FROM deploys")
        guard high > 0 else { return nil }
        // Invariant: every deploy with id < low was received before `time`; the one at or
        // after `high`, if any, at or after it.
        var found: Int? = nil
        while low <= high {
            let middle = low + (high - low) / 2
            try seek.bind(.int(middle))
            guard try seek.step() else { high = middle - 1; continue }
            let id = seek.int(0)
            if seek.text(1) >= time {
                found = id
                high = middle - 1
            } else {
                low = id + 1
            }
        }
        return found
    }

    /// A row read with `deployColumns`.
    private static func deploy(_ s: SQLiteStatement) -> StoredDeploy {
        let payload = payload(stored: s.text(11), envelope: s.isNull(12) ? nil : s.envelope(12))
        return StoredDeploy(id: s.int(0), endpoint: s.text(1), service: s.text(2), serviceName: s.isNull(3) ? nil : s.text(3),
                            environment: s.isNull(4) ? nil : s.text(4), status: s.text(5), deployNumber: s.text(6),
                            dedupID: s.isNull(7) ? nil : s.text(7), deployedAt: s.text(8), receivedAt: s.text(9),
                            updatedAt: s.text(10), payload: payload, eventID: s.isNull(13) ? nil : s.text(13))
    }

    /// A deploy's payload: its own column for rows written before migration 5, else the
    /// data of its event, whose `deploy_number`, `status` and `id` the store set itself (a
    /// deploy's listing shows the stored ones in their place either way).
    static func payload(stored: String, envelope: StoredEnvelope.Stored?) -> JSON {
        if !stored.isEmpty { return (try? JSONParser.value(stored)) ?? .object([]) }
        guard let envelope, let data = StoredEnvelope.data(stored: envelope) else { return .object([]) }
        return payload(ofData: data)
    }

    /// The payload a deploy's event carries: its data without the fields the store sets.
    static func payload(ofData data: JSON) -> JSON {
        .object((data.objectMembers ?? []).filter { !DeployBody.isComputedData($0.key) })
    }
}

/// What `/metrics` shows about the store, read in constant time whatever its size:
/// counters kept by triggers (migration 10) and the file's page counts.
public struct StoreStatistics: Sendable, Equatable {
    public var deliveries: [DeliveryStatus: Int] = [:]
    public var suggestions = 0
    /// Rows removed by retention since the store was created.
    public var pruned = PruneCounts()
    public var fileBytes = 0
    /// Bytes in pages the file holds but no table uses: freed by pruning, reused by new rows,
    /// and given back to the file system a few at a time when `incrementalVacuum` is on.
    public var freeBytes = 0
    public var incrementalVacuum = false

    public init() {}

    /// Takes in one of the store's counters, by its name in `store_counters`.
    mutating func count(_ name: String, _ value: Int) {
        if name.hasPrefix("deliveries."), let status = DeliveryStatus(rawValue: String(name.dropFirst("deliveries.".count))) {
            deliveries[status] = value
        }
        switch name {
        case "suggestions": suggestions = value
        case "pruned.events": pruned.events = value
        case "pruned.deliveries": pruned.deliveries = value
        case "pruned.attempts": pruned.attempts = value
        case "pruned.deploys": pruned.deploys = value
        default: break
        }
    }
}

extension SQLiteDatabase {
    func statistics() throws(StoreError) -> StoreStatistics {
        var out = StoreStatistics()
        let s = try prepare("SELECT name, value FROM store_counters")
        while try s.step() { out.count(s.text(0), s.int(1)) }
        let pageSize = try integer("PRAGMA page_size")
        out.fileBytes = try integer("PRAGMA page_count") * pageSize
        out.freeBytes = try integer("PRAGMA freelist_count") * pageSize
        out.incrementalVacuum = try integer("PRAGMA auto_vacuum") == 2
        return out
    }

    /// How far retention has pruned events (and so their deliveries).
    func pruneHorizon() throws(StoreError) -> PruneHorizon {
        PruneHorizon(before: Int64(try integer("SELECT value FROM store_counters WHERE name = 'pruned_before.events'")))
    }
}

import Foundation
import ReactionsCore

/// Deploys, suggestions and their events in the SQLite state file.
///
/// `record` takes a batch and commits it in one transaction: one fsync for many deploys
/// (group commit), and since batches run one at a time on one connection, concurrent
/// duplicates can never both be inserted.
///
/// One instance is one SQLite connection: use it from one thread at a time (the deploy
/// writer's thread, or behind a lock), which is why it may be handed between threads.
public final class SQLiteDeployStore: DeployStore, @unchecked Sendable {
    let db: SQLiteDatabase
    public var envelopeForm: EnvelopeForm { .packed }

    public init(path: String) throws(StoreError) {
        // The writer of every deploy and received event commits hundreds of times a second.
        db = try SQLiteDatabase(path: path, coalescingLog: true)
        try StoreSchema.migrate(db)
    }

    /// Leaves WAL checkpoints to a `WALCheckpointer`, on another connection, so the
    /// writer's commits never stop to copy the log into the database.
    public func disableAutomaticCheckpoints() throws(StoreError) {
        try db.execute("PRAGMA wal_autocheckpoint = 0")
    }

    public func record(_ batch: [DeployRecord]) throws(StoreError) -> [DeployOutcome] {
        try db.transaction { () throws(StoreError) -> [DeployOutcome] in
            // Per-service deploy numbers: read once per batch, written once at its end, all
            // under this transaction's write lock, so no other writer can interleave.
            counters = [:]
            heads = [:]
            var outcomes: [DeployOutcome] = []
            outcomes.reserveCapacity(batch.count)
            for record in batch { outcomes.append(try recordOne(record)) }
            let save = try statement(saveCounter)
            for (service, number) in counters { try save.bind(.text(service), .int(number)).run() }
            let saveHead = try statement(saveHead)
            for (key, id) in heads { try saveHead.bind(.text(key.service), .text(key.environment), .int(id)).run() }
            return outcomes
        }
    }

    // MARK: Lists by service and environment (migrations 13 and 14)

    private struct ListKey: Hashable {
        var service: String
        var environment: String
    }

    /// The newest deploy of each list the batch added to; 0: the list was empty.
    private var heads: [ListKey: Int] = [:]
    private lazy var readListHead = try? db.prepare(Self.headSQL)
    private lazy var insertLink = try? db.prepare("INSERT INTO deploy_chain (id, previous_id) VALUES (?, ?)")
    private lazy var saveHead = try? db.prepare("""
        INSERT INTO deploy_heads (service, environment, deploy_id) VALUES (?, ?, ?)
        ON CONFLICT (service, environment) DO UPDATE SET deploy_id = excluded.deploy_id
        """)

    /// Puts a new deploy at the head of its service key and environment's list. A deploy
    /// without an environment is in the list of '' (as `linkDeploys` files it).
    private func link(_ id: Int, service: String, environment: String?) throws(StoreError) {
        let key = ListKey(service: service, environment: environment ?? "")
        let previous: Int
        if let known = heads[key] {
            previous = known
        } else {
            let read = try statement(readListHead)
            try read.bind(.text(key.service), .text(key.environment))
            previous = try read.step() ? read.int(0) : 0
            read.reset()
        }
        if previous != 0 { try statement(insertLink).bind(.int(id), .int(previous)).run() }
        heads[key] = id
    }

    /// The batch's running deploy numbers by service.
    private var counters: [String: Int] = [:]
    private lazy var readCounter = try? db.prepare("SELECT last_number FROM deploy_counters WHERE service = ?")
    private lazy var saveCounter = try? db.prepare("""
        INSERT INTO deploy_counters (service, last_number) VALUES (?, ?)
        ON CONFLICT(service) DO UPDATE SET last_number = excluded.last_number
        """)

    /// The highest number the service has used, generated or sent as a plain integer.
    private func lastDeployNumber(_ service: String) throws(StoreError) -> Int {
        if let current = counters[service] { return current }
        let read = try statement(readCounter)
        try read.bind(.text(service))
        let last = try read.step() ? read.int(0) : 0
        try read.run()
        counters[service] = last
        return last
    }

    private func nextDeployNumber(_ service: String) throws(StoreError) -> Int {
        let next = try lastDeployNumber(service) + 1
        counters[service] = next
        return next
    }

    /// A sent number moves the counter past it, so a generated number never repeats one
    /// the service already used ("19" then none gave both 19).
    private func noteSentDeployNumber(_ sent: String, service: String) throws(StoreError) {
        guard let value = Self.counterValue(sent) else { return }
        if value > (try lastDeployNumber(service)) { counters[service] = value }
    }

    /// A sent number as the counter reads it: plain decimal digits, short enough that
    /// counting on from it cannot overflow. Others ("v19", "2024.1") can never equal a
    /// generated number, so they need not move it.
    static func counterValue(_ sent: String) -> Int? {
        let digits = sent.utf8
        guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(sent)
    }

    private lazy var findByDedup = try? db.prepare("SELECT id, status FROM deploys WHERE dedup_id = ?")
    // The payload is the data of the event named by `event_id` (migration 5), not stored twice.
    private lazy var insertDeploy = try? db.prepare("""
        INSERT INTO deploys (endpoint, service, service_name, environment, status, deploy_number, dedup_id, deployed_at, received_at, updated_at, revision, payload, event_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)
        ON CONFLICT (dedup_id) DO NOTHING
        """)
    private lazy var updateStatus = try? db.prepare("UPDATE deploys SET status = ?, updated_at = ?, payload = '', event_id = ? WHERE id = ?")
    private lazy var events = EventLog(db)

    /// Deliveries this connection has queued (committed or rolled back) since it opened.
    public var deliveriesEnqueued: Int { events.enqueued }
    private lazy var findSuggestion = try? db.prepare("SELECT deploys, environments FROM suggestions WHERE service = ?")
    private lazy var insertSuggestion = try? db.prepare(
        "INSERT INTO suggestions (service, endpoint, first_seen, last_seen, deploys, environments) VALUES (?, ?, ?, ?, 1, ?)")
    private lazy var updateSuggestion = try? db.prepare(
        "UPDATE suggestions SET last_seen = ?, deploys = deploys + 1, environments = ? WHERE service = ?")

    func statement(_ s: SQLiteStatement?) throws(StoreError) -> SQLiteStatement {
        guard let s else { throw .corrupt("a statement of the deploy store failed to prepare; the schema may be damaged") }
        return s
    }

    /// A new deploy is inserted straight away: its dedup id, if any, is usually new, and
    /// the insert's own check of the unique index answers that without a lookup first.
    private func recordOne(_ record: DeployRecord) throws(StoreError) -> DeployOutcome {
        let p = record.payload
        let key = record.serviceName ?? p.service
        let counterBefore = counters[key]
        let number: String
        if let sent = p.deployNumber {
            number = sent
            try noteSentDeployNumber(sent, service: key)
        } else {
            number = String(try nextDeployNumber(key))
        }
        let insert = try statement(insertDeploy)
        try insert.bind(.text(record.endpoint), .text(p.service), record.serviceName.map(SQLiteValue.text) ?? .null,
                        p.environment.map(SQLiteValue.text) ?? .null, .text(p.status.rawValue), .text(number),
                        p.dedupID.map(SQLiteValue.text) ?? .null, .text(p.deployedAtUTC), .text(record.receivedAt),
                        .text(record.receivedAt), .int(record.revision), .text(record.eventID)).run()
        guard db.changes == 1 else {
            // The dedup id is known: no deploy was made, so no number was used.
            counters[key] = counterBefore
            return try recordKnown(record)
        }
        let id = db.lastInsertedRow
        try link(id, service: key, environment: p.environment)
        let eventID = try insertDeployEvent(record, deployID: id, deployNumber: number)
        if record.serviceName == nil { try suggest(record) }
        return .created(deployID: id, deployNumber: number, eventID: eventID)
    }

    /// A deploy whose dedup id was seen: the same status is a duplicate, another an update.
    private func recordKnown(_ record: DeployRecord) throws(StoreError) -> DeployOutcome {
        let p = record.payload
        let find = try statement(findByDedup)
        try find.bind(.text(p.dedupID ?? ""))
        guard try find.step() else {
            throw .corrupt("dedup id \(p.dedupID ?? "") is in the index of deploys but no deploy has it; check the state with `reactions state verify <state file>`")
        }
        let id = find.int(0)
        let status = find.text(1)
        find.reset()
        if status == p.status.rawValue { return .duplicate(deployID: id) }
        try statement(updateStatus).bind(.text(p.status.rawValue), .text(record.receivedAt), .text(record.eventID), .int(id)).run()
        let eventID = try insertDeployEvent(record, deployID: id, deployNumber: nil)
        return .updated(deployID: id, eventID: eventID)
    }

    private func insertDeployEvent(_ record: DeployRecord, deployID: Int, deployNumber: String?) throws(StoreError) -> String {
        // The number as the envelope carries it: generated, or as sent, or none.
        let number = deployNumber.map(JSON.string) ?? record.sentDeployNumber
        try events.append(id: record.eventID, type: record.payload.status.eventType, time: record.receivedAt, revision: record.revision,
                          envelope: record.envelope(deployID: deployID, deployNumber: deployNumber),
                          reactions: record.firings.resolve(id: deployID, deployNumber: number))
        return record.eventID
    }

    private func suggest(_ record: DeployRecord) throws(StoreError) {
        let p = record.payload
        let find = try statement(findSuggestion)
        try find.bind(.text(p.service))
        if try find.step() {
            var environments = ((try? JSONParser.value(find.text(1)))?.arrayValue ?? []).compactMap(\.stringValue)
            try find.run()
            if let environment = p.environment, !environments.contains(environment) { environments.append(environment) }
            try statement(updateSuggestion).bind(.text(record.receivedAt), .text(JSON.array(environments.map(JSON.string)).compactText),
                                                 .text(p.service)).run()
            return
        }
        let environments = JSON.array(p.environment.map { [JSON.string($0)] } ?? []).compactText
        try statement(insertSuggestion).bind(.text(p.service), .text(record.endpoint), .text(record.receivedAt), .text(record.receivedAt),
                                             .text(environments)).run()
        // The first deploy naming an unknown service raises one `service.suggested` event.
        if let (event, firings) = record.suggestion {
            try events.append(event, revision: record.revision, reactions: firings.reactions)
        }
    }


    // MARK: Webhook events

    private lazy var findSeen = try? db.prepare("SELECT event_id FROM webhook_seen WHERE endpoint = ? AND message_id = ?")
    private lazy var insertSeen = try? db.prepare("INSERT INTO webhook_seen (endpoint, message_id, event_id, seen_at) VALUES (?, ?, ?, ?)")
    private lazy var forgetSeen = try? db.prepare("DELETE FROM webhook_seen WHERE seen_at < ?")

    /// Stores received events in one transaction; a message id an endpoint saw before is a replay.
    public func record(received batch: [ReceivedEvent], forgetBefore: Int) throws(StoreError) -> [ReceivedOutcome] {
        try db.transaction { () throws(StoreError) -> [ReceivedOutcome] in
            try statement(forgetSeen).bind(.int(forgetBefore)).run()
            var outcomes: [ReceivedOutcome] = []
            for record in batch {
                if let messageID = record.messageID, let endpoint = record.endpoint {
                    let find = try statement(findSeen)
                    try find.bind(.text(endpoint), .text(messageID))
                    if try find.step() {
                        let original = find.text(0)
                        try find.run()
                        outcomes.append(.replay(eventID: original))
                        continue
                    }
                    try statement(insertSeen).bind(.text(endpoint), .text(messageID), .text(record.event.id), .int(record.receivedAtSeconds)).run()
                }
                let reactions = try events.append(record.event, revision: record.revision, reactions: record.firings.reactions)
                outcomes.append(.stored(eventID: record.event.id, reactions: reactions))
            }
            return outcomes
        }
    }

    // MARK: Reading (deploys: SQLiteDeployListing.swift)

    /// Statements of the deploy listings, prepared once.
    lazy var readHeads = try? db.prepare(Self.headsSQL)
    lazy var readHead = try? db.prepare(Self.headSQL)
    lazy var readEnvironmentHeads = try? db.prepare(Self.environmentHeadsSQL)
    lazy var readChained = try? db.prepare(Self.chainedSQL)

    public func suggestions() throws(StoreError) -> [Suggestion] {
        let s = try db.prepare("SELECT service, endpoint, first_seen, last_seen, deploys, environments FROM suggestions ORDER BY deploys DESC, service")
        var out: [Suggestion] = []
        while try s.step() {
            let environments = ((try? JSONParser.value(s.text(5)))?.arrayValue ?? []).compactMap(\.stringValue)
            out.append(Suggestion(service: s.text(0), endpoint: s.text(1), firstSeen: s.text(2), lastSeen: s.text(3),
                                  deploys: s.int(4), environments: environments))
        }
        return out
    }

    /// Stored event envelopes, newest first.
    public func events(type: String? = nil, limit: Int = 100) throws(StoreError) -> [JSON] {
        let (sql, values) = Self.eventListing(type: type, limit: limit)
        let s = try db.prepare(sql)
        try s.bind(values)
        var out: [JSON] = []
        while try s.step() {
            if let json = StoredEnvelope.envelope(stored: s.envelope(0), id: s.text(1), type: s.text(2), time: s.text(3)) { out.append(json) }
        }
        return out
    }

    public func eachEvent(since: Int64?, limit: Int?, _ each: (JSON) -> Bool) throws(StoreError) {
        // Paged by id, downwards: ids are UUIDv7, so their order is the order they were made
        // and a time is a range of the index (`EventID.lowerBound`). A page is its own
        // statement: no read transaction stays open for the length of a replay.
        let s = try db.prepare("SELECT envelope, id, type, time FROM events WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT ?")
        let floor = since.map(EventID.lowerBound(milliseconds:)) ?? ""
        var cursor = "g"  // above every id: they are lowercase hex
        var left = limit ?? Int.max
        while left > 0 {
            try s.bind(.text(floor), .text(cursor), .int(min(left, Self.eventPage)))
            var read = 0
            while try s.step() {
                read += 1
                cursor = s.text(1)
                guard let envelope = StoredEnvelope.envelope(stored: s.envelope(0), id: cursor, type: s.text(2), time: s.text(3)) else {
                    throw .corrupt("event \(cursor) cannot be read")
                }
                if !each(envelope) { s.reset(); return }
            }
            s.reset()
            left -= read
            if read < Self.eventPage { return }
        }
    }

    static let eventPage = 1_000

    /// The events listing's SQL (the schema tests read its query plan). A type other than
    /// `deploy.succeeded` is spelled as migration 12's partial index, so SQLite may use it;
    /// that one walks the table newest first, where most rows are it.
    static func eventListing(type: String?, limit: Int) -> (sql: String, values: [SQLiteValue]) {
        guard let type else { return ("SELECT envelope, id, type, time FROM events ORDER BY seq DESC LIMIT ?", [.int(limit)]) }
        let partial = type == EventType.deploySucceeded ? "" : " AND type <> 'deploy.succeeded'"
        return ("SELECT envelope, id, type, time FROM events WHERE type = ?\(partial) ORDER BY seq DESC LIMIT ?", [.text(type), .int(limit)])
    }

    /// One stored event and the revision it was received under.
    public func event(id: String) throws(StoreError) -> (envelope: JSON, revision: Int?)? {
        let s = try db.prepare("SELECT envelope, revision, type, time FROM events WHERE id = ?")
        try s.bind(.text(id))
        guard try s.step() else { return nil }
        guard let envelope = StoredEnvelope.envelope(stored: s.envelope(0), id: id, type: s.text(2), time: s.text(3)) else { throw .corrupt("event \(id) cannot be read") }
        return (envelope, s.isNull(1) ? nil : s.int(1))
    }

    /// How far retention has pruned events (and so their deliveries).
    public func pruneHorizon() throws(StoreError) -> PruneHorizon {
        try db.pruneHorizon()
    }

    public func deployCount() throws(StoreError) -> Int {
        let s = try db.prepare("SELECT count(*) FROM deploys")
        return try s.step() ? s.int(0) : 0
    }
}

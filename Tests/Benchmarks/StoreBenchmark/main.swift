// The store at scale (issue 16): fills a state file with deploys as a busy team would send
// them (each with its event, one delivery and one attempt) and, at each checkpoint, reports
// bytes per deploy on disk (per table and index), the p50 and p99 of the queries people run
// against it, one /metrics read, and the ingestion rate against the rate on an empty store.
//
//   swift run -c release StoreBenchmark [CHECKPOINT ...]     # default: 20000 100000 1000000
//   STORE_BENCH_DIR=/big/disk swift run -c release StoreBenchmark 1000000 10000000
//   STORE_BENCH_KEEP=1 …                 # keep the filled state file and print its path
//   STORE_BENCH_FROM=FILE …              # start from a copy of a kept state file
//   STORE_BENCH_ROUNDS=5 …               # timed ingestion rounds per checkpoint (default 3)
//
// The mix: 200 services whose deploy counts follow 1/rank (a few busy, a long tail), four
// environments (40% Production, 35% Staging, 15% QA, 10% Development), one deploy every
// three seconds of received time ending now, 2% failed deploys and 1% of deliveries
// dead-lettered. The payload is a 715-byte OpsLevel deploy with a full commit.
import CSQLite
import Foundation
import ReactionsCore
import ReactionsStore

let checkpoints = CommandLine.arguments.dropFirst().compactMap { Int($0) }.sorted()
let targets = checkpoints.isEmpty ? [20_000, 100_000, 1_000_000] : checkpoints
let total = targets.last ?? 0
let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["STORE_BENCH_DIR"] ?? NSTemporaryDirectory())
    .appendingPathComponent("reactions-store-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
let path = directory.appendingPathComponent("state.db").path
// STORE_BENCH_KEEP=1 keeps the filled state (prune_ingest.sh starts serve on a copy).
let keep = ProcessInfo.processInfo.environment["STORE_BENCH_KEEP"] == "1"
/// Deploys per timed round, and rounds per checkpoint (alternated with an empty store).
let window = 20_000
let rounds = Int(ProcessInfo.processInfo.environment["STORE_BENCH_ROUNDS"] ?? "") ?? 3
defer { if !keep { try? FileManager.default.removeItem(at: directory) } }

// MARK: The mix

struct Mix {
    var random = SystemRandomNumberGenerator()
    let services = (0..<200).map { String(format: "service-%03d", $0) }
    let weights: [Double]
    let environments = [("Production", 0.40), ("Staging", 0.35), ("QA", 0.15), ("Development", 0.10)]

    init() {
        let raw = (0..<200).map { 1 / Double($0 + 1) }
        let sum = raw.reduce(0, +)
        var running = 0.0
        weights = raw.map { running += $0 / sum; return running }
    }

    mutating func service() -> String {
        let x = Double.random(in: 0..<1, using: &random)
        return services[weights.firstIndex { x < $0 } ?? 199]
    }

    mutating func environment() -> String {
        var x = Double.random(in: 0..<1, using: &random)
        for (name, share) in environments { if x < share { return name }; x -= share }
        return "Production"
    }
}

func payload(_ n: Int, service: String, environment: String, failed: Bool, deployedAt: String) -> DeployPayload? {
    let sha = String(repeating: String(format: "%08x", n &* 2_654_435_761 & 0xFFFF_FFFF), count: 5)
    let text = #"{"dedup_id":"bench-\#(n)","service":"\#(service)","deployer":{"id":"1a9f841f","email":"michael.scott@example.com","name":"Michael Scott"},"#
        + #""deployed_at":"\#(deployedAt)","environment":"\#(environment)","status":"\#(failed ? "failed" : "succeeded")","#
        + #""description":"Deployed by CI Pipeline: Deploy #\#(n) of \#(service) to \#(environment)","deploy_url":"https://ci.example.com/acme/\#(service)/-/pipelines/\#(n)","#
        + #""commit":{"sha":"\#(sha)","message":"Merge branch 'fix-tax-rate' into 'master' (#\#(n % 10_000))\n\nRound half-cents the way finance expects.","#
        + #""branch":"master","date":"\#(deployedAt)","authoring_date":"\#(deployedAt)","author_name":"Dwight Schrute","author_email":"dwight.schrute@example.com"}}"#
    return try? DeployPayload.parse(Array(text.utf8)).get()
}

// MARK: Filling

/// One state file being filled, with the connections `serve` would hold on it.
final class StateFile {
    let path: String
    let store: SQLiteDeployStore
    let outbox: SQLiteDeliveryStore
    let checkpointer: WALCheckpointer
    var written = 0
    /// CPU time of this thread in `record` (the rest of its wall time waits on the disk).
    var recordCPUNanoseconds: UInt64 = 0

    init(path: String) throws {
        self.path = path
        store = try SQLiteDeployStore(path: path)
        try store.disableAutomaticCheckpoints()
        checkpointer = try WALCheckpointer(path: path)
        outbox = try SQLiteDeliveryStore(path: path)
    }
}

/// Deploys this benchmark wrote into a state: ids start at 1 and it never removes one.
func deploysWritten(_ path: String) -> Int {
    var db: OpaquePointer?
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { return 0 }
    defer { sqlite3_close(db) }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, "SELECT max(id) FROM deploys", -1, &statement, nil) == SQLITE_OK else { return 0 }
    defer { sqlite3_finalize(statement) }
    return sqlite3_step(statement) == SQLITE_ROW ? Int(sqlite3_column_int64(statement, 0)) : 0
}

func threadCPUNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

// STORE_BENCH_FROM=FILE starts from a copy of a state this benchmark kept, to measure a
// change at scale without filling again.
if let from = ProcessInfo.processInfo.environment["STORE_BENCH_FROM"] {
    try FileManager.default.copyItem(atPath: from, toPath: path)
}
let state = try StateFile(path: path)
state.written = deploysWritten(path)
let (store, outbox) = (state.store, state.outbox)
let matcher = ReactionMatcher(mayFire: { _, _, _ in true }, firings: { _, _ in Firings(firing: ["notify"]) })
var mix = Mix()
let now = Timestamp.epochMilliseconds()
let spacing: Int64 = 3_000
var sampleEvents: [String] = []

/// Records `count` deploys in batches of `batch` (the writer's group commit under load is
/// 30-70), delivers them, and returns the wall time of the `record` calls alone.
@MainActor func fill(_ file: StateFile, _ count: Int, batch: Int) throws -> Double {
    var recordSeconds = 0.0
    var left = count
    while left > 0 {
        let n = min(batch, left)
        var records: [DeployRecord] = []
        records.reserveCapacity(n)
        for _ in 0..<n {
            let received = now - Int64(total - file.written) * spacing
            let time = Timestamp.format(milliseconds: received)
            guard let p = payload(file.written, service: mix.service(), environment: mix.environment(),
                                  failed: Int.random(in: 0..<50) == 0, deployedAt: time) else { fatalError("payload") }
            records.append(DeployRecord(endpoint: "ci", payload: p, serviceName: p.service, receivedAt: time, revision: 1, matcher: matcher))
            file.written += 1
        }
        let start = DispatchTime.now(), cpuStart = threadCPUNanoseconds()
        let outcomes = try file.store.record(records)
        recordSeconds += Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        file.recordCPUNanoseconds += threadCPUNanoseconds() - cpuStart
        if file === state {
            for case .created(_, _, let eventID) in outcomes where Int.random(in: 0..<max(1, total / 400)) == 0 { sampleEvents.append(eventID) }
        }
        // Oldest first, as the dispatcher takes them (the listing is newest first).
        let pending = try file.outbox.deliveries(DeliveryQuery(status: .pending, limit: n)).reversed()
        try file.outbox.record(pending.map { delivery in
            let failed = Int.random(in: 0..<100) == 0
            let attempt = AttemptRecord(number: 1, startedAt: Timestamp.now(), milliseconds: 87, succeeded: !failed,
                                        httpStatus: failed ? 503 : 200, exitStatus: nil, error: failed ? "unexpected status 503" : nil,
                                        response: failed ? "Service Unavailable" : #"{"ok":true}"#)
            let deadLetter = CloudEvent(id: EventID.make(), source: "/reactions/notify", type: EventType.reactionFailed, time: Timestamp.now(),
                                        subject: "notify", data: .object(["reaction": .string("notify"), "delivery_id": .string(delivery.id)]),
                                        chainDepth: 1)
            return AttemptOutcome(deliveryID: delivery.id, attempt: attempt, next: failed ? .failed(deadLetter, revision: 1, firings: .none) : .delivered)
        })
        left -= n
    }
    return recordSeconds
}

/// Deploys per second, and CPU microseconds per deploy, recording `count` more into `file`.
@MainActor func timedRound(_ file: StateFile, _ count: Int) throws -> (rate: Double, cpu: Double) {
    let cpuBefore = file.recordCPUNanoseconds
    let seconds = try fill(file, count, batch: 64)
    return (Double(count) / seconds, Double(file.recordCPUNanoseconds - cpuBefore) / Double(count) / 1e3)
}

/// `timedRound` into `window` deploys on a new, empty state file.
@MainActor func emptyStoreRound() throws -> (rate: Double, cpu: Double) {
    let fresh = directory.appendingPathComponent("empty-\(UUID().uuidString).db").path
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: fresh + suffix) } }
    let file = try StateFile(path: fresh)
    defer { file.checkpointer.stop() }
    return try timedRound(file, window)
}

// MARK: Measuring

func percentiles(_ samples: [Double]) -> (p50: Double, p99: Double) {
    let sorted = samples.sorted()
    return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
}

func time(_ reps: Int, _ body: (Int) throws -> Void) rethrows -> (p50: Double, p99: Double) {
    var samples: [Double] = []
    for i in 0..<reps {
        let start = DispatchTime.now()
        try body(i)
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e3)
    }
    return percentiles(samples)
}

/// Bytes by table and index, from SQLite's dbstat.
@MainActor func bytesByObject() -> [(String, Int)] {
    var db: OpaquePointer?
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { return [] }
    defer { sqlite3_close(db) }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC", -1, &statement, nil) == SQLITE_OK else { return [] }
    defer { sqlite3_finalize(statement) }
    var out: [(String, Int)] = []
    while sqlite3_step(statement) == SQLITE_ROW {
        out.append((String(cString: sqlite3_column_text(statement, 0)), Int(sqlite3_column_int64(statement, 1))))
    }
    return out
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

func fileBytes(_ p: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? Int) ?? 0 }

func f(_ x: Double) -> String { String(format: x < 10 ? "%.2f" : x < 100 ? "%.1f" : "%.0f", x) }

print("Filling \(path) to \(targets.map(String.init).joined(separator: ", ")) deploys")
for target in targets {
    let bulk = target - state.written - (rounds + 1) * window
    if bulk > 0 {
        let started = DispatchTime.now()
        _ = try fill(state, bulk, batch: 2_000)
        print("filled to \(state.written) in \(f(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)) s")
    }
    // Ingestion on this store and on an empty one, in pairs, so that the load of this shared
    // box and its disk weighs on both alike: the last deploys before each checkpoint go in
    // rounds of `window`, each followed by as many into a new, empty file. The first pair
    // only warms what the bulk fill's large batches (or a copy) left cold, and is not counted.
    var full: [(rate: Double, cpu: Double)] = [], empty: [(rate: Double, cpu: Double)] = []
    var warmedUp = false
    while state.written < target {
        let here = try timedRound(state, min(window, target - state.written))
        let fresh = try emptyStoreRound()
        if warmedUp {
            full.append(here)
            empty.append(fresh)
        }
        warmedUp = true
    }
    var db: OpaquePointer?
    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil)
    sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
    sqlite3_close(db)

    print("\n## \(state.written) deploys\n")
    if full.isEmpty {
        print("ingestion: too few deploys before this checkpoint for a timed round after the warm-up")
    } else {
        let (rate, emptyRate) = (median(full.map(\.rate)), median(empty.map(\.rate)))
        func listed(_ xs: [(rate: Double, cpu: Double)]) -> String {
            xs.map { "\(Int($0.rate))/s \(f($0.cpu)) µs" }.joined(separator: ", ")
        }
        let paired = median(zip(full, empty).map { $0.rate / $1.rate })
        print("ingestion (record calls, batches of 64, synchronous=FULL; \(full.count) pairs of rounds of \(window)): "
              + "\(Int(rate)) deploys/s against an empty store's \(Int(emptyRate))/s (medians); \(f(paired * 100))% of it, median of the pairs")
        print("  rounds, deploys/s and record's CPU per deploy: here \(listed(full)); empty \(listed(empty))")
    }
    let size = fileBytes(path)
    print("file: \(size) bytes, \(size / state.written) bytes per deploy (payload 715 B: \(f(Double(size) / Double(state.written) / 715))x)")
    print("\n| table or index | bytes per deploy |\n| --- | ---: |")
    for (name, bytes) in bytesByObject() where bytes / state.written > 0 { print("| \(name) | \(bytes / state.written) |") }

    let busy = "service-005", rare = "service-150"
    let twoHoursAgo = Timestamp.format(milliseconds: now - 2 * 3_600_000)
    var rows: [(String, (p50: Double, p99: Double))] = []
    rows.append(("deploys --service \(busy) --limit 50", try time(200) { _ in _ = try store.deploys(DeployQuery(service: busy, limit: 50)) }))
    rows.append(("deploys --service \(rare) --limit 50", try time(200) { _ in _ = try store.deploys(DeployQuery(service: rare, limit: 50)) }))
    rows.append(("deploys --environment QA --since 2h", try time(200) { _ in
        _ = try store.deploys(DeployQuery(environment: "QA", since: twoHoursAgo, limit: 50)) }))
    rows.append(("deliveries --status failed", try time(200) { _ in _ = try outbox.deliveries(DeliveryQuery(status: .failed, limit: 50)) }))
    rows.append(("explain ID (event, deliveries, attempts)", try time(200) { i in
        let id = sampleEvents[i % sampleEvents.count]
        _ = try store.event(id: id)
        for delivery in try outbox.deliveries(DeliveryQuery(eventID: id)) { _ = try outbox.delivery(id: delivery.id) }
    }))
    rows.append(("/metrics store figures", try time(200) { _ in _ = try outbox.statistics() }))
    print("\n| query | p50 µs | p99 µs |\n| --- | ---: | ---: |")
    for (name, t) in rows { print("| \(name) | \(f(t.p50)) | \(f(t.p99)) |") }
}
state.checkpointer.stop()
if keep { print("\nkept: \(path)") }

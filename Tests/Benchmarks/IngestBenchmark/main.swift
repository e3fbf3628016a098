// Deploy ingestion, stage by stage, without sockets (issue 3): the CPU one deploy costs in
// each step between the bytes `wrk` sends (`../shared/bench/wrk/deploy.lua`) and the
// committed row. `deploy_ingest.sh` measures the whole server on a loaded box, where the
// same binary swings by half from minute to minute; this measures thread CPU time of each
// stage alone, which moves by a few percent, so a change to one stage shows.
//
//   swift run -c release IngestBenchmark [rounds]      # default: 9 rounds, median shown
import Foundation
import HTTPServer
import ReactionsCore
import ReactionsRuntime
import ReactionsStore

/// CPU time of the calling thread: a wall clock would count the store's fsync waits.
func threadCPUNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

/// Median nanoseconds per operation of `body`, which performs `perRound` operations on
/// what `prepare` made for it (untimed).
func measure<Input>(_ name: String, rounds: Int, perRound: Int, prepare: () -> Input, _ body: (Input) -> Void) -> Double {
    body(prepare())  // warm up caches and lazily prepared statements
    var samples: [Double] = []
    for _ in 0..<rounds {
        let input = prepare()
        let start = threadCPUNanoseconds()
        body(input)
        samples.append(Double(threadCPUNanoseconds() - start) / Double(perRound))
    }
    // The fastest round: on a shared VM, interference only ever adds time (stolen cycles
    // count as the thread's), so the minimum is the steadiest estimate of the work itself.
    let sorted = samples.sorted()
    print(name.padding(toLength: 34, withPad: " ", startingAt: 0), String(format: "%8.0f ns   (median %.0f)", sorted[0], sorted[sorted.count / 2]))
    return sorted[0]
}

func measure(_ name: String, rounds: Int, perRound: Int, _ body: () -> Void) -> Double {
    measure(name, rounds: rounds, perRound: perRound, prepare: {}, body)
}

/// The body `deploy.lua` sends, with its dedup id.
func body(_ n: Int) -> [UInt8] {
    Array(#"{"dedup_id":"bench-\#(n)","service":"shopping_cart","deployer":{"id":"1a9f841f","email":"m@example.com","name":"Michael Scott"},"deployed_at":"2019-02-01 13:28:33","environment":"Production","description":"Deployed by CI Pipeline: Deploy #234","deploy_url":"https://heroku.deploys.com","deploy_number":"234","commit":{"sha":"38d02f1d7aab64678a7ad3eeb2ad2887ce7253f5","message":"Merge branch 'fix-tax-rate' into 'master'","branch":"master"}}"#.utf8)
}

func request(_ body: [UInt8]) -> [UInt8] {
    Array("POST /integrations/deploy/5a1c6e2e-7d1b-4e0a-9d55-3f0b8c2a9e11 HTTP/1.1\r\nHost: 127.0.0.1:8091\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
}

/// The config `deploy_ingest.sh` serves: one service (the payload names its alias) and a
/// reaction on `deploy.succeeded` whose filter the bench's deploys do not pass, so every
/// deploy is matched and none is delivered.
let benchConfig: Config = {
    let text = """
        {"version": 1, "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
         "reactions": [{"name": "on-deploy", "when": {"events": ["deploy.succeeded"], "filter": {"environment": "Staging"}},
                        "then": {"http": {"url": "https://monitor.example.com/api/annotations", "body": {"text": "#{deploy.service}"}}}}]}
        """
    guard let node = try? JSONParser.parse(text) else { fatalError("the bench config is not JSON") }
    let (decoded, diagnostics) = ConfigDocument.decode(node, file: "bench.json")
    precondition(diagnostics.isEmpty, "the bench config is invalid: \(diagnostics)")
    var config = Config()
    config.services = decoded.services
    config.reactions = decoded.reactions
    return config
}()

let rounds = CommandLine.arguments.dropFirst().compactMap { Int($0) }.first ?? 9
// INGEST_BENCH_COUNT: fewer deploys, for a run under callgrind (instruction counts do not
// swing with the box as times do).
let count = Int(ProcessInfo.processInfo.environment["INGEST_BENCH_COUNT"] ?? "") ?? 20_000
let requests = (0..<count).map { request(body($0)) }
let services = ServiceIndex(benchConfig.services)
let matcher = OutboxMatcher.make(benchConfig)

print("stage (per deploy, thread CPU)      fastest of \(rounds)")
var total = 0.0
total += measure("HTTP parse", rounds: rounds, perRound: count) {
    for bytes in requests {
        var parser = HTTPParser()
        var index = 0
        parsing: while true {
            switch parser.parse(bytes, from: &index) {
            case .request: break parsing
            case .head: continue
            case .needMoreData, .failure: fatalError("the bench request does not parse")
            }
        }
    }
}
let bodies = (0..<count).map(body)
// The path every body took before the one-pass reader, for comparison (not in the total).
_ = measure("(tree: DeployPayload.parse)", rounds: rounds, perRound: count) {
    for b in bodies { if case .failure = DeployPayload.parse(b) { fatalError("the bench body is invalid") } }
}
total += measure("DeployBody.parse (one pass)", rounds: rounds, perRound: count) {
    for b in bodies { if case .failure = DeployBody.parse(b, form: .packed) { fatalError("the bench body is invalid") } }
}
let parsed = bodies.compactMap { try? DeployBody.parse($0, form: .packed).get() }
total += measure("DeployRecord (envelope, timestamp)", rounds: rounds, perRound: count) {
    for b in parsed {
        _ = DeployRecord(endpoint: "bench", body: b, serviceName: services.match(b.payload.service),
                         receivedAt: Timestamp.now(), revision: 1, matcher: matcher)
    }
}
let payloads = parsed.map(\.payload)

// The store: a fresh file, batches the size the writer sees under 64 connections.
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-bench-\(getpid())")
try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
do {
    // As `serve` runs it: checkpoints on their own thread, so they are not counted here.
    let path = directory.appendingPathComponent("state.db").path
    let store = try SQLiteDeployStore(path: path)
    try store.disableAutomaticCheckpoints()
    let checkpointer = try WALCheckpointer(path: path)
    defer { checkpointer.stop() }
    let batch = 32
    var round = 0
    // Fresh records each round: a repeated dedup id would take the duplicate path.
    let prepare = { () -> [DeployRecord] in
        round += 1
        return payloads.indices.map { i in
            var p = payloads[i]
            p.dedupID = "r\(round)-\(i)"
            return DeployRecord(endpoint: "bench", payload: p, serviceName: services.match(p.service),
                                receivedAt: Timestamp.now(), revision: 1, matcher: matcher)
        }
    }
    total += measure("store.record (batches of \(batch))", rounds: rounds, perRound: count, prepare: prepare) { fresh in
        var i = 0
        while i < fresh.count {
            do { _ = try store.record(Array(fresh[i..<min(i + batch, fresh.count)])) } catch { fatalError("\(error)") }
            i += batch
        }
    }
} catch {
    fatalError("cannot open the bench store: \(error)")
}
print("total".padding(toLength: 34, withPad: " ", startingAt: 0), String(format: "%8.0f ns", total))

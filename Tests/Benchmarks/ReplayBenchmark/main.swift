// Replay benchmark (issue 14): `plan --replay` over a million recorded events against a
// 1,000-reaction config, in process, stage by stage: reading and decoding the events from
// the store, then matching them against two revisions. `replay.sh` runs the same through
// the binary, locally and with --server.
//
//   STORE_BENCH_KEEP=1 swift run -c release StoreBenchmark 1000000      # a filled state
//   swift run -c release ReplayBenchmark STATE [CONFIG_OUT_DIR]
//
// The configs: 1,000 reactions over StoreBenchmark's 200 services (five each: Production
// succeeded deploys, every deploy, failed ones, Staging and QA, a branch filter), and a plan
// that widens 100 of them to Staging, deletes 10 and adds 10. CONFIG_OUT_DIR gets both as
// `before/` and `after/` config directories, for `replay.sh`.
import Foundation
import ReactionsCore
import ReactionsStore

let arguments = CommandLine.arguments.dropFirst()
guard let path = arguments.first else {
    print("usage: ReplayBenchmark STATE [CONFIG_OUT_DIR]")
    exit(2)
}

func reactions(changed: Bool) -> [JSON] {
    var out: [JSON] = []
    for i in 0..<1_000 {
        let service = String(format: "service-%03d", i % 200)
        var filter: [JSON.Member] = [.init("service", .string(service))]
        var events = ["deploy.succeeded"]
        switch i / 200 {
        case 0: filter.append(.init("environment", changed && i % 2 == 0 ? .array([.string("Production"), .string("Staging")]) : .string("Production")))
        case 1: events = ["deploy.*"]
        case 2: events = ["deploy.failed"]
        case 3: filter.append(.init("environment", .array([.string("Staging"), .string("QA")])))
        default: filter.append(.init("deploy.commit.branch", .object(["glob": .string("release/*")])))
        }
        if changed && i >= 990 { continue }
        out.append(.object([.init("name", .string("r-\(i)")),
                            .init("when", .object([.init("events", .array(events.map(JSON.string))), .init("filter", .object(filter))])),
                            .init("then", .object([.init("http", .object([.init("url", .string("https://hooks.example.com/\(i)")),
                                                                         .init("body", .object([.init("text", .string("#{deploy.service} to #{deploy.environment}"))]))]))]))]))
    }
    if changed {
        for i in 0..<10 {
            out.append(.object([.init("name", .string("added-\(i)")),
                                .init("when", .object([.init("events", .array([.string("deploy.failed")])),
                                                       .init("filter", .object([.init("environment", .string("Production"))]))])),
                                .init("then", .object([.init("http", .object([.init("url", .string("https://pager.example.com/\(i)"))]))]))]))
        }
    }
    return out
}

func document(changed: Bool) -> JSON {
    let services = (0..<200).map { JSON.object([.init("name", .string(String(format: "service-%03d", $0)))]) }
    return .object([.init("version", .int(1)), .init("services", .array(services)), .init("reactions", .array(reactions(changed: changed)))])
}

let before = try StateDocument(json: document(changed: false))
let after = try StateDocument(json: document(changed: true))
if arguments.count > 1 {
    let out = URL(fileURLWithPath: String(arguments[arguments.index(after: arguments.startIndex)]))
    for (name, changed) in [("before", false), ("after", true)] {
        let dir = out.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(document(changed: changed).prettyText.utf8).write(to: dir.appendingPathComponent("reactions.json"))
    }
}

func seconds(_ start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
func peakRSS() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss / 1024
}

let store = try SQLiteDeployStore(path: path)
print("state: \(path)")

// 1. Reading and decoding alone.
var count = 0
var start = DispatchTime.now()
try store.eachEvent(since: nil, limit: nil) { _ in count += 1; return true }
let readSeconds = seconds(start)
print(String(format: "read + decode: %d events in %.2f s (%.0f events/s), peak RSS %d MB", count, readSeconds, Double(count) / readSeconds, peakRSS()))

// 2. Building the two indexes.
start = DispatchTime.now()
var replayer = Replayer(before: before, after: after)
let buildSeconds = seconds(start)
print(String(format: "two revisions indexed: %.3f s", buildSeconds))

// 3. The whole replay, as `plan --replay` runs it: reading on one thread, matching on another.
start = DispatchTime.now()
let replay = try EventReplay.run(store, before: before, after: after, since: nil, limit: nil, now: Timestamp.epochMilliseconds())
let totalSeconds = seconds(start)
print(String(format: "replay: %d events in %.2f s (%.0f events/s), peak RSS %d MB", replay.window.events,
             totalSeconds, Double(replay.window.events) / totalSeconds, peakRSS()))
// 4. Matching alone, over the newest 100,000 events held in memory.
var sample: [JSON] = []
try store.eachEvent(since: nil, limit: 100_000) { sample.append($0); return true }
start = DispatchTime.now()
for envelope in sample { replayer.add(envelope) }
let matchSeconds = seconds(start) / Double(sample.count) * Double(count)
print(String(format: "matching alone: %.2f µs per event against both revisions (%.2f s for all)", seconds(start) / Double(sample.count) * 1e6, matchSeconds))
sample = []

print(String(format: "stage split (alone): read + decode %.2f s, matching %.2f s; side by side %.2f s", readSeconds, matchSeconds, totalSeconds))
print("\(replay.behaviourChanges.count) of \(replay.reactions.count) reported reactions change behaviour; unmatched \(replay.unmatchedBefore) before, \(replay.unmatchedAfter) after")

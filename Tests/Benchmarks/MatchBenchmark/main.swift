// Matching benchmark (issue 4): the cost of finding the reactions one event fires among
// 10k and 100k reactions, through `ReactionIndex` (index lookup + the candidates' filters).
//
//   swift run -c release MatchBenchmark [sizes...]      # default: 10000 100000
import Dispatch
import ReactionsCore

/// Deterministic pseudo-random numbers, so runs compare.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func config(reactions count: Int, services: Int) -> Config {
    var rng = SplitMix64(state: 7)
    var members: [JSON] = []
    for i in 0..<count {
        let service = "svc-\(Int(rng.next() % UInt64(services)))"
        let filter: JSON
        switch rng.next() % 4 {
        case 0: filter = .object(["service": .string(service), "environment": .string("Production")])
        case 1: filter = .object(["service": .array([.string(service), .string("svc-\(Int(rng.next() % UInt64(services)))")])])
        case 2: filter = .object(["service": .string(service), "deploy.commit.branch": .object(["glob": .string("release/*")])])
        default: filter = .object(["service": .string(service)])
        }
        members.append(.object(["name": .string("r\(i)"),
                                "when": .object(["events": .array([.string(rng.next() % 2 == 0 ? "deploy.succeeded" : "deploy.*")]), "filter": filter]),
                                "then": .object(["http": .object(["url": .string("https://e.com/\(i)")])])]))
    }
    let document = JSON.object(["version": .int(1), "services": .array((0..<services).map { .object(["name": .string("svc-\($0)")]) }),
                                "reactions": .array(members)])
    let (decoded, _) = ConfigDocument.decode(JSONNode(json: document), file: "bench")
    var config = Config()
    config.services = decoded.services
    config.reactions = decoded.reactions
    return config
}

let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }
print("reactions  services  index build  match p50    match p99    fired (avg)")
for size in sizes.isEmpty ? [10_000, 100_000] : sizes {
    let services = max(100, size / 20)
    let c = config(reactions: size, services: services)
    let start = DispatchTime.now().uptimeNanoseconds
    let index = ReactionIndex(config: c)
    let catalog = ServiceIndex(c.services)
    let build = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    var rng = SplitMix64(state: 11)
    var timings: [Double] = []
    var fired = 0
    for _ in 0..<20_000 {
        let service = "svc-\(Int(rng.next() % UInt64(services)))"
        let envelope = CloudEvent(id: "e", source: "/endpoints/ci", type: "deploy.succeeded", time: "2019-02-01T13:28:33.000Z", subject: service,
                                  data: .object(["service": .string(service), "environment": .string("Production"),
                                                 "commit": .object(["branch": .string(rng.next() % 2 == 0 ? "release/1" : "main")])]),
                                  service: service, environment: "Production", endpoint: "ci").envelope
        let t0 = DispatchTime.now().uptimeNanoseconds
        let context = TemplateContext(variables: EventVariables.make(envelope: envelope, services: catalog))
        fired += index.firingIndexes(envelope: envelope, context: context).count
        timings.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000)
    }
    timings.sort()
    func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
    print(pad("\(size)", 11) + pad("\(services)", 10) + pad("\(Int(build)) ms", 13)
          + pad("\((timings[timings.count / 2] * 10).rounded() / 10) µs", 13) + pad("\((timings[timings.count * 99 / 100] * 10).rounded() / 10) µs", 13)
          + "\(Double(fired) / Double(timings.count))")
}

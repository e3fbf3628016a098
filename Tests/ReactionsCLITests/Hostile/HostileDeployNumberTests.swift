import Foundation
import Testing
import ReactionsCore

/// Issue 11, defect 6, through `serve`: concurrent deploys with and without numbers.
@Suite struct HostileDeployNumberTests {
    @Test func concurrentDeploysNeverGetARepeatedGeneratedNumber() async throws {
        let setup = try DeployTracking()
        let (cli, server, path) = (setup.cli, setup.server, setup.path)
        #expect(try await server.request("POST", path, body: deployBody(number: "19")).status == 202)
        #expect(try await server.request("POST", path, body: deployBody()).status == 202)
        // The dedup_id tells the two kinds apart afterwards.
        let bodies = (0..<60).map { i in i % 2 == 0 ? deployBody(dedup: "generated-\(i)") : deployBody(dedup: "sent-\(i)", number: String(20 + i)) }
            .shuffled()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for body in bodies { group.addTask { try await server.request("POST", path, body: body).status } }
            for try await status in group { #expect(status == 202) }
        }
        #expect(server.stop() == 0)
        let deploys = try JSONParser.value(try cli.run(["deploys", "--state", cli.state, "--format", "json", "--limit", "100"]).stdout).arrayValue ?? []
        #expect(deploys.count == 62)
        // In the order they were recorded: each generated number is new to the service.
        let ordered = deploys.sorted { ($0["id"]?.intValue ?? 0) < ($1["id"]?.intValue ?? 0) }
        #expect(ordered.prefix(2).map { $0["deploy_number"]?.stringValue } == ["19", "20"], "\"19\" then none gave both 19")
        var used: Set<String> = []
        for deploy in ordered {
            let number = deploy["deploy_number"]?.stringValue ?? ""
            if deploy["dedup_id"]?.stringValue?.hasPrefix("generated-") == true {
                #expect(!used.contains(number), "generated \(number) was already used")
            }
            used.insert(number)
        }
    }
}

import Foundation
import Testing
import ReactionsCore

/// Issue 12, 1: the README's set-up serve and its tour's `reactions serve &` both use
/// 127.0.0.1:8080 with different state files. The second used to start without complaint
/// and take half of the connections (5 of 6 deploys got 404 from it).
@Suite(.serialized) struct SecondServeCLITests {
    @Test func aSecondServeOnABusyAddressExitsWithAClearErrorAndChangesNothing() async throws {
        let cli = try CLI()
        try cli.writeConfig(sampleConfig)
        try cli.write("config/scripts/release.sh", "#!/bin/sh\n")
        let first = try ServeProcess(cli, arguments: ["--config", cli.config])
        defer { _ = first.stop() }
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"

        // Another directory, another state, the same address: as the tour would do it.
        let other = try CLI()
        try other.writeConfig(sampleConfig)
        try other.write("config/scripts/release.sh", "#!/bin/sh\n")
        let second = try other.run(["serve", "--config", other.config, "--state", other.state, "--listen", "127.0.0.1:\(first.port)"],
                                 timeout: 10)
        #expect(second.code == 1, "\(second)")
        #expect(second.stderr.contains("127.0.0.1:\(first.port) is already in use by another process"), "\(second)")
        // It failed before applying its config.
        #expect(try other.run(["state", "history", "--state", other.state]).stdout.hasPrefix("1 ") == false)

        for n in 0..<12 {
            let answer = try await first.request("POST", path, body: deployBody(dedup: "d-\(n)"))
            #expect(answer.status == 202, "deploy \(n): \(answer.status) \(answer.body)")
        }
    }
}

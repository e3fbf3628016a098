import Foundation
import Testing
import ReactionsCore

/// Issue 11, defect 4: filters are matched on the request's thread, never in the single
/// writer; a clause on what only the store knows (a generated deploy number) still sees
/// the value it stored.
@Suite struct HostileMatchingTests {
    @Test func filtersOnTheGeneratedDeployNumberSeeTheStoredValue() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let cli = try CLI()
        func reaction(_ name: String, _ filter: String) -> String {
            ##"{"name": "\##(name)", "when": {"events": ["deploy.succeeded"], "filter": \##(filter)},"##
                + ##""then": {"http": {"url": "\##(receiver.url)/\##(name)/#{deploy.deploy_number}"}}}"##
        }
        try cli.writeConfig(#"""
        "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}],
        "endpoints": [{"name": "ci-deploys", "kind": "deploy"}],
        "reactions": [
        """# + [reaction("second-number", #"{"deploy.deploy_number": "2"}"#),
                reaction("third", #"{"deploy.deploy_number": {"in": [3, "4"]}, "environment": "Production"}"#),
                reaction("sent-number", #"{"data.deploy_number": {"regex": "^7\\d$"}}"#)].joined(separator: ",\n") + "]")
        let server = try ServeProcess(cli, arguments: ["--config", cli.config, "--no-request-log"])
        defer { _ = server.stop() }
        let path = "/integrations/deploy/\(try cli.deployEndpointID())"
        for body in [deployBody(), deployBody(), deployBody(), deployBody(number: "77"), deployBody(number: "8")] {
            #expect(try await server.request("POST", path, body: body).status == 202)
        }
        let got = try await receiver.wait(for: 3)
        try await Task.sleep(for: .milliseconds(300))
        #expect(Set(receiver.requests.map { String($0.head.target) }) == ["/second-number/2", "/third/3", "/sent-number/77"],
                "\(got.map(\.head.target))")
    }
}

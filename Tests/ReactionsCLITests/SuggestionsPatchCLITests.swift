import Foundation
import Testing
import ReactionsCore
import ReactionsStore

@Suite struct SuggestionsPatchCLITests {
    func prepared() throws -> CLI {
        let cli = try CLI()
        try cli.writeConfig(#""services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}]"#)
        #expect(try cli.run(["apply", "--config", cli.config, "--state", cli.state, "--auto-approve"]).code == 0)
        // Deploys that named services nobody declared, recorded through the real store.
        let store = try SQLiteDeployStore(path: cli.state)
        for name in ["Payments API", "search", "Payments API"] {
            let body = #"{"service": "\#(name)", "description": "d", "deployed_at": "2019-02-01 13:28:33", "deployer": {"name": "n"}}"#
            let payload = try DeployPayload.parse(Array(body.utf8)).get()
            _ = try store.record([DeployRecord(endpoint: "ci", payload: payload, serviceName: nil, receivedAt: Timestamp.now(), revision: 1)])
        }
        return cli
    }

    @Test func newServicesDocumentValidatesAndMakesTheDeploysMatch() throws {
        let cli = try prepared()
        let patch = try cli.run(["suggestions", "--patch", "--config", cli.config, "--state", cli.state])
        #expect(patch.code == 0, "\(patch)")
        let json = try JSONParser.value(patch.stdout)
        let services = json["services"]?.arrayValue ?? []
        #expect(services.compactMap { $0["name"]?.stringValue } == ["payments-api", "search"])
        #expect(services.first?["aliases"] == .array([.string("Payments API")]))
        try cli.write("config/suggested.json", patch.stdout)
        let validate = try cli.run(["validate", "--config", cli.config])
        #expect(validate.code == 0, "\(validate)")
        #expect(try cli.run(["plan", "--config", cli.config, "--state", cli.state]).stdout.contains("Plan: 2 to add"))
        #expect(try ConfigFormatter.format(patch.stdout) == patch.stdout, "the patch is canonically formatted")
    }

    @Test func aliasesOfAnExistingServiceRewriteItsFile() throws {
        let cli = try prepared()
        let printed = try cli.run(["suggestions", "--patch", "--alias-of", "shopping-cart", "--config", cli.config, "--state", cli.state])
        #expect(printed.code == 0, "\(printed)")
        #expect(try cli.read("config/main.json").contains("Payments API") == false, "printing changes nothing")
        let written = try cli.run(["suggestions", "--patch", "--alias-of", "shopping-cart", "--write", "--config", cli.config, "--state", cli.state])
        #expect(written.code == 0)
        #expect(written.stdout.contains("added 2 aliases to shopping-cart"))
        let result = ConfigLoader().load(path: cli.config)
        #expect(!result.hasErrors, "\(result.diagnostics)")
        #expect(result.config.services.first?.aliases == ["shopping_cart", "Payments API", "search"])
        #expect(ServiceIndex(result.config.services).match("Payments API") == "shopping-cart")
        let unknown = try cli.run(["suggestions", "--patch", "--alias-of", "nope", "--config", cli.config, "--state", cli.state])
        #expect(unknown.code == 1)
        #expect(unknown.stderr.contains(#"no service named "nope""#))
    }

    @Test func serviceNamesFollowThePattern() {
        #expect(SuggestionPatch.serviceName(for: "Payments API") == "payments-api")
        #expect(SuggestionPatch.serviceName(for: "shop_cart--v2 ") == "shop-cart-v2")
        #expect(SuggestionPatch.serviceName(for: "ÉÉ") == nil)
        #expect(SuggestionPatch.serviceName(for: String(repeating: "a", count: 100))?.count == 63)
    }
}

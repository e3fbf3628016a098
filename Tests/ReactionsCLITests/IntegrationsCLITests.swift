import Foundation
import Testing
import ReactionsCore

@Suite struct IntegrationsCLITests {
    @Test func listAndShowDocumentTheCatalogFromTheSameData() throws {
        let cli = try CLI()
        let list = try cli.run(["integrations", "list"])
        #expect(list.code == 0)
        for id in IntegrationCatalog.ids { #expect(list.stdout.contains(id + " ")) }

        let json = try JSONParser.value(try cli.run(["integrations", "list", "--format", "json"]).stdout).arrayValue ?? []
        #expect(json.compactMap { $0["name"]?.stringValue } == IntegrationCatalog.ids)
        let sentry = try #require(json.first { $0["name"] == .string("sentry-deploy") })
        let token = sentry["parameters"]?.arrayValue?.first { $0["name"] == .string("auth_token") }
        #expect(token?["secret"] == .bool(true) && token?["required"] == .bool(true))

        let shown = try cli.run(["integrations", "show", "honeycomb-marker", "--format", "json"])
        let honeycomb = try JSONParser.value(shown.stdout)
        #expect(honeycomb["renders"]?["url"] == .string("https://api.honeycomb.io/1/markers/your-dataset"))
        #expect(honeycomb["renders"]?["headers"]?["X-Honeycomb-Team"] == .string("«secret HONEYCOMB_API_KEY»"))
        #expect(honeycomb["renders"]?["body"]?["message"] == .string("shopping-cart 234"))

        // The example a user would paste validates as it is.
        let example = try #require(honeycomb["example"]?.objectMembers)
        try cli.writeConfig(example.map { "\(JSONWriter.quoted($0.key)): \($0.value.compactText)" }.joined(separator: ",\n"))
        let validated = try cli.run(["validate", "--config", cli.config])
        #expect(validated.code == 0, "\(validated)")

        let text = try cli.run(["integrations", "show", "newrelic-deployment"])
        #expect(text.stdout.contains("api_key (text, required, secret") && text.stdout.contains("POST https://api.newrelic.com/v2/applications/"))
        let unknown = try cli.run(["integrations", "show", "slack"])
        #expect(unknown.code == 1 && unknown.stderr.contains("did you mean slack-message?"))
    }

    @Test func plansShowTheRequestAnIntegrationSendsWithSecretsAsNames() throws {
        let cli = try CLI()
        try cli.writeConfig(#""services": [{"name": "checkout"}], "integrations": [{"name": "hny", "template": "honeycomb-marker", "settings": {"dataset": "prod", "api_key": {"secret": "HNY_KEY"}}}]"#)
        let text = try cli.run(["plan", "--config", cli.config, "--state", cli.state], env: ["HNY_KEY": "real-key-value"])
        #expect(text.stdout.contains("# sends, for a sample deploy:"))
        #expect(text.stdout.contains("#   POST https://api.honeycomb.io/1/markers/prod"))
        #expect(text.stdout.contains("#   X-Honeycomb-Team: «secret HNY_KEY»"))
        #expect(!text.stdout.contains("real-key-value"))
        let json = try JSONParser.value(try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "json"]).stdout)
        let change = json["changes"]?.arrayValue?.first { $0["address"] == .string("integration.hny") }
        #expect(change?["renders"]?["url"] == .string("https://api.honeycomb.io/1/markers/prod"))
        #expect(change?["renders"]?["body"]?["message"] == .string("checkout 234"))
        let markdown = try cli.run(["plan", "--config", cli.config, "--state", cli.state, "--format", "markdown"]).stdout
        #expect(markdown.contains("X-Honeycomb-Team: «secret HNY_KEY»"))
    }
}

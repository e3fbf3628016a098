import Foundation
import ReactionsCore
import ReactionsStore

/// A recorded event by id, from the local state or a running serve (`--server`, read scope):
/// what `test --from-event` turns into a fixture.
enum RecordedEventInput {
    static func envelope(_ id: String, _ args: Arguments, _ terminal: Terminal, command: String) throws(CLIError) -> JSON {
        if let remote = try StateInput.remote(args, terminal.environment, command: command, scope: "a read-scoped one is enough") {
            switch try StateInput.call({ () throws(StoreError) in try remote.event(id: id) }) {
            case .found(let event): return event
            case .missing(let why): throw CLIError(message: "\(remote.client.baseURL): \(why)")
            }
        }
        return try local(id, path: try StateInput.existing(args, terminal)).envelope
    }

    /// From a state at `path` (`explain` reads it too): the envelope and the revision it
    /// arrived under; an error that says whether retention pruned it or it never was.
    static func local(_ id: String, path: String) throws(CLIError) -> (envelope: JSON, revision: Int?) {
        guard let events = try DeployInput.open(path) else { throw CLIError(message: "there is no state at \(Paths.absolute(path))") }
        guard let found = try StateInput.call({ () throws(StoreError) in try events.event(id: id) }) else {
            let horizon = try StateInput.call { () throws(StoreError) in try events.pruneHorizon() }
            if let pruned = horizon.explainMissing(id, kind: "event") { throw CLIError(message: pruned) }
            throw CLIError(message: "no event \(id) is recorded in \(Paths.absolute(path)); event ids are in "
                + "`reactions deploys --format json` and `reactions deliveries --format json` (event_id), in a webhook's 202 answer, and in serve's logs")
        }
        return found
    }

    /// `a deploy.succeeded of shopping-cart to Production, recorded 2026-12-05 10:40:08 UTC`.
    static func describe(_ event: JSON) -> String {
        var text = event["type"]?.stringValue ?? "event"
        if let service = event["service"]?.stringValue { text += " of \(service)" }
        if let environment = event["environment"]?.stringValue { text += " to \(environment)" }
        if let endpoint = event["endpoint"]?.stringValue, event["service"] == nil { text += " from \(endpoint)" }
        if let time = event["time"]?.stringValue { text += ", recorded \(Text.time(time))" }
        return text
    }
}

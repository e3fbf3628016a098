/// The JSON of a replay: the plan's `"replay"` member, and the answer of
/// `POST /api/v1/replay` (`plan --replay --server`). Fields are only ever added.
extension Replay {
    public var json: JSON {
        .object([
            .init("window", .object([.init("since", window.since.map(JSON.string) ?? .null), .init("until", .string(window.until)),
                                     .init("events", .int(window.events))])),
            .init("reactions", .array(reactions.map(\.json))),
            .init("unmatched", .object([.init("before", .int(unmatchedBefore)), .init("after", .int(unmatchedAfter))])),
        ])
    }

    /// Reads a replay back (a saved plan, the server's answer); nil when it is not one.
    public init?(json: JSON) {
        guard let window = json["window"], let until = window["until"]?.stringValue, let events = window["events"]?.intValue,
              let reactions = json["reactions"]?.arrayValue, let unmatched = json["unmatched"],
              let unmatchedBefore = unmatched["before"]?.intValue, let unmatchedAfter = unmatched["after"]?.intValue else { return nil }
        var outcomes: [Outcome] = []
        for item in reactions {
            guard let outcome = Outcome(json: item) else { return nil }
            outcomes.append(outcome)
        }
        self.init(window: Window(since: window["since"]?.stringValue, until: until, events: events), reactions: outcomes,
                  unmatchedBefore: unmatchedBefore, unmatchedAfter: unmatchedAfter)
    }
}

extension Replay.Outcome {
    var json: JSON {
        var members: [JSON.Member] = [
            .init("name", .string(name)), .init("change", change.map { .string($0.rawValue) } ?? .null),
            .init("before", .int(before)), .init("after", .int(after)), .init("started", .int(started)), .init("stopped", .int(stopped)),
            .init("examples", .object([.init("started", .array(startedExamples.map(\.json))),
                                       .init("stopped", .array(stoppedExamples.map(\.json)))])),
        ]
        if let rendered {
            members.append(.init("rendered", .object([.init("event", .string(rendered.event)), .init("after", rendered.after),
                                                      .init("before", rendered.before ?? .null)])))
        } else {
            members.append(.init("rendered", .null))
        }
        return .object(members)
    }

    init?(json: JSON) {
        guard let name = json["name"]?.stringValue, let before = json["before"]?.intValue, let after = json["after"]?.intValue,
              let started = json["started"]?.intValue, let stopped = json["stopped"]?.intValue else { return nil }
        var change: Replay.Change? = nil
        if let text = json["change"]?.stringValue {
            guard let c = Replay.Change(rawValue: text) else { return nil }
            change = c
        }
        self.init(name: name, change: change)
        self.before = before
        self.after = after
        self.started = started
        self.stopped = stopped
        startedExamples = (json["examples"]?["started"]?.arrayValue ?? []).compactMap(Replay.Example.init(json:))
        stoppedExamples = (json["examples"]?["stopped"]?.arrayValue ?? []).compactMap(Replay.Example.init(json:))
        if let r = json["rendered"], r != .null, let event = r["event"]?.stringValue, let after = r["after"] {
            let before = r["before"].flatMap { $0 == .null ? nil : $0 }
            rendered = Replay.Rendered(event: event, after: after, before: before)
        }
    }
}

extension Replay.Example {
    var json: JSON {
        .object([.init("id", .string(id)), .init("type", .string(type)), .init("service", service.map(JSON.string) ?? .null),
                 .init("environment", environment.map(JSON.string) ?? .null), .init("time", .string(time))])
    }

    init?(json: JSON) {
        guard let id = json["id"]?.stringValue, let type = json["type"]?.stringValue, let time = json["time"]?.stringValue else { return nil }
        self.init(id: id, type: type, service: json["service"]?.stringValue, environment: json["environment"]?.stringValue, time: time)
    }
}

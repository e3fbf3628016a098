import ReactionsCore

/// The events a revision raises, built alike by every store.
enum RevisionEvents {
    /// `config.applied` (DESIGN §3), committed with the revision it announces.
    static func configApplied(_ created: RevisionInfo) -> CloudEvent {
        CloudEvent(id: EventID.make(), source: "/config", type: EventType.configApplied, time: created.createdAt,
                   subject: "revision/\(created.number)",
                   data: .object(["number": .int(created.number), "hash": .string(created.hash), "created_by": .string(created.createdBy),
                                  "source": .string(created.source),
                                  "summary": .object(["add": .int(created.summary.add), "change": .int(created.summary.change),
                                                      "destroy": .int(created.summary.destroy)])]))
    }
}

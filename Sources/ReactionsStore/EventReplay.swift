import ReactionsCore

/// Replays a store's recorded events against two revisions (`Replayer`): what `plan --replay`
/// runs locally and `POST /api/v1/replay` runs on the server, so history never has to leave
/// where it is kept.
public enum EventReplay {
    /// `since` and `now` in milliseconds since the epoch; `limit`: the newest events only.
    public static func run(_ store: any DeployStore, before: StateDocument, after: StateDocument, since: Int64?, limit: Int?,
                           now: Int64) throws(StoreError) -> Replay {
        var replayer = Replayer(before: before, after: after)
        try store.eachEvent(since: since, limit: limit) { envelope in
            replayer.add(envelope)
            return true
        }
        return replayer.finish(since: since.map(Timestamp.format(milliseconds:)), until: Timestamp.format(milliseconds: now))
    }
}

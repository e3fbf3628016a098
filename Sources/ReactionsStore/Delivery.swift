import ReactionsCore

/// Where a delivery is in its life (DESIGN §4).
public enum DeliveryStatus: String, Sendable, CaseIterable {
    /// Waiting for its first attempt (or a redelivery).
    case pending
    /// An attempt failed; the next one is scheduled.
    case retrying
    case delivered
    /// Every attempt failed: dead-lettered, with a `reaction.failed` event.
    case failed
}

/// One reaction's action for one event, as the outbox keeps it.
public struct StoredDelivery: Sendable, Equatable {
    public var id: String
    public var eventID: String
    public var eventType: String
    public var reaction: String
    /// The revision the event was matched under; the action runs as that revision declared it.
    public var revision: Int
    public var status: DeliveryStatus
    /// Attempts made, over every round.
    public var attempts: Int
    /// Attempts made since the delivery was (re)queued: what the retry schedule counts.
    public var roundAttempts: Int
    /// When the next attempt is due (ms since the epoch), while pending or retrying.
    public var nextAt: Int64
    public var createdAt: String
    public var updatedAt: String
    public var lastError: String?
    /// Filled by `delivery(id:)`; empty in lists.
    public var attemptLog: [AttemptRecord] = []

    public var json: JSON {
        var members: [JSON.Member] = [
            .init("id", .string(id)), .init("event_id", .string(eventID)), .init("event_type", .string(eventType)),
            .init("reaction", .string(reaction)), .init("revision", .int(revision)), .init("status", .string(status.rawValue)),
            .init("attempts", .int(attempts)),
            .init("next_attempt_at", (status == .pending || status == .retrying) ? .string(Timestamp.format(milliseconds: nextAt)) : .null),
            .init("created_at", .string(createdAt)), .init("updated_at", .string(updatedAt)),
            .init("last_error", lastError.map(JSON.string) ?? .null),
        ]
        if !attemptLog.isEmpty { members.append(.init("attempt_log", .array(attemptLog.map(\.json)))) }
        return .object(members)
    }
}

/// One attempt: what was sent is re-rendered from the event on demand; what came back is kept.
public struct AttemptRecord: Sendable, Equatable {
    public var number: Int
    public var startedAt: String
    public var milliseconds: Int
    public var succeeded: Bool
    /// The receiver's status, for `http` and integration actions that got a response.
    public var httpStatus: Int?
    /// The script's exit status, when it exited.
    public var exitStatus: Int?
    public var error: String?
    /// The first bytes of the response body, or of the script's output.
    public var response: String

    public init(number: Int, startedAt: String, milliseconds: Int, succeeded: Bool, httpStatus: Int?, exitStatus: Int?,
                error: String?, response: String) {
        self.number = number
        self.startedAt = startedAt
        self.milliseconds = milliseconds
        self.succeeded = succeeded
        self.httpStatus = httpStatus
        self.exitStatus = exitStatus
        self.error = error
        self.response = response
    }

    public var json: JSON {
        .object([
            .init("number", .int(number)), .init("started_at", .string(startedAt)), .init("milliseconds", .int(milliseconds)),
            .init("succeeded", .bool(succeeded)), .init("http_status", httpStatus.map(JSON.int) ?? .null),
            .init("exit_status", exitStatus.map(JSON.int) ?? .null), .init("error", error.map(JSON.string) ?? .null),
            .init("response", .string(response)),
        ])
    }
}

/// A delivery whose attempt is due, with what the dispatcher needs to run it.
public struct DueDelivery: Sendable {
    public var id: String
    public var eventID: String
    public var reaction: String
    public var revision: Int
    public var attempts: Int
    public var roundAttempts: Int
    public var envelope: JSON
}

/// The result of one attempt, to record with what follows from it.
public struct AttemptOutcome: Sendable {
    public enum Next: Sendable {
        case delivered
        /// Try again at this time (ms since the epoch).
        case retry(at: Int64)
        /// Dead letter: with the `reaction.failed` event to store and the reactions it fires.
        case failed(CloudEvent, revision: Int, firings: Firings)

        public var isDeadLetter: Bool {
            if case .failed = self { return true }
            return false
        }
    }

    public var deliveryID: String
    public var attempt: AttemptRecord
    public var next: Next
    /// The secrets whose absence alone failed the attempt: a retry waits for them.
    public var missingSecrets: [String]

    public init(deliveryID: String, attempt: AttemptRecord, next: Next, missingSecrets: [String] = []) {
        self.deliveryID = deliveryID
        self.attempt = attempt
        self.next = next
        self.missingSecrets = missingSecrets
    }

    /// The delivery's status after this attempt, and when it is due next (0: never).
    var resulting: (status: DeliveryStatus, nextAt: Int64) {
        switch next {
        case .delivered: return (.delivered, 0)
        case .retry(let at): return (.retrying, at)
        case .failed: return (.failed, 0)
        }
    }

    /// For a retry that waits only for secrets: their names, comma-separated (`waiting_for`).
    var waitingFor: String? {
        guard case .retry = next, !missingSecrets.isEmpty else { return nil }
        return missingSecrets.sorted().joined(separator: ",")
    }
}

public struct DeliveryQuery: Sendable {
    public var status: DeliveryStatus?
    public var reaction: String?
    public var eventID: String?
    public var limit: Int

    public init(status: DeliveryStatus? = nil, reaction: String? = nil, eventID: String? = nil, limit: Int = 50) {
        self.status = status
        self.reaction = reaction
        self.eventID = eventID
        self.limit = limit
    }
}

public enum RedeliverError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .notFound(let id): return "there is no delivery \(id); list them with `reactions deliveries`"
        case .store(let error): return error.description
        }
    }
}

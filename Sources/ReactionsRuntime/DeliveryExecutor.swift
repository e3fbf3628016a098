import Foundation
import ReactionsCore
import ReactionsStore

/// An applied revision as the dispatcher needs it: each delivery runs its action exactly as
/// the revision it was matched under declared it, whatever is served now.
struct RevisionContext: Sendable {
    let number: Int
    let config: Config
    let scripts: [String: [UInt8]]
    let reactions: [String: Reaction]
    /// The secrets each reaction needs, checked before every attempt.
    let secretNames: [String: [String]]
    let services: ServiceIndex

    init(_ revision: Revision) {
        number = revision.info.number
        config = revision.document.config().0
        scripts = revision.scripts
        reactions = Dictionary(config.reactions.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        secretNames = SecretAudit.namesByReaction(in: config)
        services = ServiceIndex(config.services)
    }
}

/// Runs one attempt of one delivery: renders the action for the event and sends the request
/// or runs the script. Holds no state between attempts, so workers share one.
struct DeliveryExecutor: Sendable {
    let deliverer: HTTPDeliverer
    let scripts: ScriptInvocationBuilder
    let secrets: SecretResolver
    /// The admin API's address as scripts reach it, and the key for their tokens.
    let api: (url: String, tokens: ScopedToken)?

    struct Result: Sendable {
        var record: AttemptRecord
        /// The receiver's `Retry-After`, in seconds.
        var retryAfter: Int?
        /// Trying again would fail the same way: dead-letter now, not after hours of retries.
        var permanent = false
        /// Nothing was sent because these secrets do not resolve here: the retry waits for them.
        var missingSecrets: [String] = []

        /// An attempt that failed before anything was sent or run.
        static func notStarted(_ number: Int, startedAt: String = Timestamp.now(), _ why: String) -> Result {
            Result(record: AttemptRecord(number: number, startedAt: startedAt, milliseconds: 0, succeeded: false, httpStatus: nil,
                                         exitStatus: nil, error: why, response: ""), retryAfter: nil)
        }
    }

    /// An attempt refused before anything was sent or run, for a reason no retry can change.
    static func refused(_ number: Int, startedAt: String, _ why: String) -> Result {
        var result = Result.notStarted(number, startedAt: startedAt, why)
        result.permanent = true
        return result
    }

    /// Kept of a script's stdout and stderr, or of a response, per attempt.
    static let keptOutput = 4096

    func attempt(_ delivery: DueDelivery, reaction: Reaction, revision: RevisionContext, number: Int) -> Result {
        let startedAt = Timestamp.now()
        // A missing secret is the server's to fix, not the receiver's: fail the attempt (it
        // is retried on schedule) rather than send a request with a hole in it.
        let missing = (revision.secretNames[reaction.name] ?? []).filter { !secrets.isAvailable($0) }
        if !missing.isEmpty {
            var result = Result.notStarted(number, startedAt: startedAt,
                                           "secret \(missing.joined(separator: ", ")) is not available on this server; provide it in the environment or the secrets dir")
            result.missingSecrets = missing
            return result
        }
        let resolver = secrets
        let context = TemplateContext(variables: EventVariables.make(envelope: delivery.envelope, services: revision.services, reaction: reaction.name,
                                                                     delivery: (delivery.id, number)),
                                      secret: { resolver.value($0) })
        switch reaction.action {
        case .http(let action):
            return send(action.render(context), delivery: delivery, startedAt: startedAt, number: number)
        case .integration(let use):
            switch IntegrationRequest.make(use, config: revision.config, context: context) {
            case .success(let request): return send(request, delivery: delivery, startedAt: startedAt, number: number)
            case .failure(let error): return .notStarted(number, startedAt: startedAt, error.description)
            }
        case .script(let action):
            return run(action, reaction: reaction, delivery: delivery, revision: revision, startedAt: startedAt, number: number)
        }
    }

    private func send(_ rendered: RenderedRequest, delivery: DueDelivery, startedAt: String, number: Int) -> Result {
        if let segment = rendered.dotSegment {
            return Self.refused(number, startedAt: startedAt,
                                "the rendered URL's path has the segment \"\(segment)\", which the receiver would resolve as a step up the path; not sent (check the values substituted into the URL)")
        }
        let signing = rendered.signWith.flatMap { secrets.value($0.name) }
        guard let request = HTTPDeliverer.request(rendered, deliveryID: delivery.id, signingSecret: signing,
                                                  now: Int64(Date().timeIntervalSince1970)) else {
            return .notStarted(number, startedAt: startedAt, "the rendered URL is not valid")
        }
        let sent = deliverer.send(request, expect: rendered.expect)
        return Result(record: AttemptRecord(number: number, startedAt: startedAt, milliseconds: sent.milliseconds, succeeded: sent.succeeded,
                                            httpStatus: sent.status, exitStatus: nil, error: sent.error,
                                            response: String(sent.response.prefix(Self.keptOutput))),
                      retryAfter: sent.retryAfter)
    }

    private func run(_ action: ScriptAction, reaction: Reaction, delivery: DueDelivery, revision: RevisionContext, startedAt: String, number: Int) -> Result {
        var token: (url: String, token: String)? = nil
        if let api {
            let timeout = (action.timeout ?? ScriptAction.defaultTimeout).milliseconds / 1000
            let claims = ScopedToken.Claims(scope: ScopedToken.Claims.scriptScopes, expires: Int64(Date().timeIntervalSince1970) + timeout + 60,
                                            causation: delivery.eventID, depth: delivery.envelope["chaindepth"]?.intValue ?? 0,
                                            reaction: reaction.name)
            token = (api.url, api.tokens.mint(claims))
        }
        let invocation: ScriptRunner.Invocation
        do {
            invocation = try scripts.invocation(action, reaction: reaction.name, envelope: delivery.envelope, config: revision.config,
                                                scripts: revision.scripts, deliveryID: delivery.id, attempt: number, api: token)
        } catch {
            return error.isPermanent ? Self.refused(number, startedAt: startedAt, error.description)
                                     : .notStarted(number, startedAt: startedAt, error.description)
        }
        do {
            let result = try ScriptRunner().run(invocation)
            var error: String? = nil
            let stderr = String(decoding: result.stderr.suffix(Self.keptOutput), as: UTF8.self)
            if result.timedOut {
                error = "timed out after \((action.timeout ?? ScriptAction.defaultTimeout).description); the process group was stopped"
            } else if let status = result.exitStatus, status != 0 {
                error = "exit status \(status)" + (stderr.isEmpty ? "" : ": " + stderr.trimmingCharacters(in: .whitespacesAndNewlines))
            } else if let signal = result.signal {
                error = "killed by signal \(signal)"
            }
            var output = String(decoding: result.stdout.prefix(Self.keptOutput), as: UTF8.self)
            if result.truncated { output += "\n[output truncated]" }
            return Result(record: AttemptRecord(number: number, startedAt: startedAt, milliseconds: result.milliseconds, succeeded: result.succeeded,
                                                httpStatus: nil, exitStatus: result.exitStatus.map(Int.init), error: error, response: output),
                          retryAfter: nil)
        } catch .cannotStart(_, errno: E2BIG) {
            // The same arguments and environment will be too long on every retry.
            return Self.refused(number, startedAt: startedAt,
                                "the arguments and environment are longer than the system lets a program receive (E2BIG); not run")
        } catch {
            return .notStarted(number, startedAt: startedAt, error.description)
        }
    }
}

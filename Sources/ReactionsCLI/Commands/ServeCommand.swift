import Dispatch
import Foundation
import ReactionsCore
import ReactionsRuntime
import ReactionsStore

struct ServeCommand: Command {
    static let spec = CommandSpec(
        name: "serve",
        summary: "Serve the applied revision: deploy endpoints, health, metrics, admin API.",
        usage: ["serve [--state FILE] [--listen HOST:PORT] [--config DIR] [--secrets-dir DIR] [--retention DURATION]"],
        options: [Paths.stateOption,
                  .init(name: "listen", value: "HOST:PORT", help: "Where to listen (default 127.0.0.1:8080; port 0 picks a free one)."),
                  .init(name: "config", value: "DIR", help: "Apply this config directory first (a one-command start)."),
                  Paths.secretsOption,
                  .init(name: "no-request-log", value: nil, help: "Do not log one line per request."),
                  RetentionInput.retentionOption, RetentionInput.deployRetentionOption, RetentionInput.pruneIntervalOption,
                  Paths.noColorOption],
        discussion: """
        Serves the latest applied revision and picks up newly applied ones without a restart.
        Logs are JSON lines on stderr; the first says where it listens. SIGTERM or SIGINT stops
        accepting, answers the requests in flight, lets running deliveries finish (up to 10 s),
        records them, and exits.

        Every event that fires a reaction queues a delivery in the event's own transaction; the
        dispatcher runs them (16 at a time) and retries failures on the reaction's schedule
        (default now, 5s, 5m, 30m, 2h, 5h, 10h, 10h with ±20% jitter). Only one serve dispatches
        a state file at a time (a lock beside it); others serve requests and take over when it
        stops. Scripts get REACTIONS_API_URL and a short-lived REACTIONS_API_TOKEN for
        `reactions emit`.

        Retention: every 10 minutes serve removes events older than --retention (30d), with
        their deliveries and attempts, in small batches beside ingestion, and gives the space
        back. A pending or retrying delivery and its event are kept, and so is the latest deploy
        of each service and environment when --deploy-retention removes older deploys.

        Routes: POST /integrations/deploy/<id> (OpsLevel's deploy webhook), webhook endpoints at
        their declared paths, GET /healthz, GET /readyz, GET /metrics (Prometheus), and the admin
        API, disabled unless one of these bearer tokens is set, each scope including the ones
        before it: REACTIONS_READ_TOKEN (GET /api/v1/deploys, suggestions, events, state,
        revisions, deliveries, deliveries/<id>), REACTIONS_PLAN_TOKEN (revisions and secret names, for
        `plan --server`), REACTIONS_APPLY_TOKEN (POST /api/v1/revisions, for `apply --server`),
        REACTIONS_ADMIN_TOKEN (also POST /api/v1/events, /api/v1/deploys and
        /api/v1/deliveries/<id>/redeliver).
        """)

    static func run(_ args: Arguments, _ terminal: Terminal) throws(CLIError) -> Int32 {
        let env = terminal.environment
        let statePath = Paths.state(args, env)
        var options = Runtime.Options(store: StateInput.backend(statePath), environment: env)
        options.secretsDirectory = Paths.secretsDirectory(args, env)
        options.requestLogs = !args.flag("no-request-log")
        options.retention = try RetentionInput.policy(args, env, command: "serve")
        if let interval = args.value("prune-interval") {
            guard let value = try RetentionInput.period(interval, option: "--prune-interval", command: "serve") else {
                throw CLIError.usage("--prune-interval must be a duration such as 10m", command: "serve")
            }
            options.pruneInterval = value
        }
        if let listen = args.value("listen") {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
                throw CLIError.usage("--listen must be HOST:PORT, such as 127.0.0.1:8080 or 0.0.0.0:0", command: "serve")
            }
            options.host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            options.port = port
        }
        let runtime: Runtime
        do { runtime = try Runtime(options: options) } catch { throw CLIError(message: error.description) }
        do { try runtime.bind() } catch { throw CLIError(message: error.description) }
        if let config = args.value("config") {
            let store = try StateInput.open(statePath)
            // Replicas started together with one config race to apply it: the losers find
            // the state moved (stale), plan again against it, and find nothing left to do.
            for attempt in 1...5 {
                let head = try StateInput.head(store)
                let plan = try PlanBuilder.plan(configPath: config, state: head, args: args, terminal: terminal)
                guard plan.hasChanges else { break }
                do {
                    _ = try ApplyCommand.commit(plan, store: store, source: "serve --config", terminal: terminal, quiet: true)
                    terminal.error(PlanTextView(terminal: Terminal(environment: ["NO_COLOR": "1"], noColorFlag: true)).render(plan), terminatorFree: true)
                    break
                } catch {
                    let moved = (try? StateInput.head(store))?.info.number != head?.info.number
                    if !moved || attempt == 5 { throw error }
                }
            }
        }
        do {
            _ = try runtime.start()
        } catch {
            throw CLIError(message: error.description)
        }
        // Stop on SIGTERM/SIGINT: drain in-flight requests, then exit.
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let queue = DispatchQueue(label: "signals")
        let sources = [SIGTERM, SIGINT].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        let done = DispatchSemaphore(value: 0)
        for source in sources {
            source.setEventHandler {
                runtime.stop()
                done.signal()
            }
            source.resume()
        }
        done.wait()
        withExtendedLifetime(sources) {}
        return ExitCode.ok
    }
}

import ReactionsStore
import Synchronization

/// Counters and a latency histogram in the Prometheus text format (`GET /metrics`).
final class Metrics: Sendable {
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    private struct State {
        var requests: [String: [Int: Int]] = [:]
        var bucketCounts = [Int](repeating: 0, count: Metrics.buckets.count)
        var latencyCount = 0
        var latencySum = 0.0
        var deploys: [String: Int] = [:]
        var attemptsSucceeded = 0
        var attemptsFailed = 0
        var deadLettered = 0
        var revision = 0
        var ready = false
    }

    private let state = Mutex(State())

    func observe(route: String, status: Int, seconds: Double) {
        state.withLock { s in
            s.requests[route, default: [:]][status, default: 0] += 1
            s.latencyCount += 1
            s.latencySum += seconds
            if let i = Metrics.buckets.firstIndex(where: { seconds <= $0 }) { s.bucketCounts[i] += 1 }
        }
    }

    func deployRecorded(result: String) { state.withLock { $0.deploys[result, default: 0] += 1 } }

    func deliveryAttempted(succeeded: Bool, deadLettered: Bool) {
        state.withLock {
            if succeeded { $0.attemptsSucceeded += 1 } else { $0.attemptsFailed += 1 }
            if deadLettered { $0.deadLettered += 1 }
        }
    }

    func setRevision(_ revision: Int, ready: Bool) {
        state.withLock {
            $0.revision = revision
            $0.ready = ready
        }
    }

    func render(store: StoreStatistics, connections: Int, inFlight: Int) -> String {
        let s = state.withLock { $0 }
        var out = "# HELP reactions_http_requests_total HTTP requests by route and status.\n# TYPE reactions_http_requests_total counter\n"
        for route in s.requests.keys.sorted() {
            for (status, count) in (s.requests[route] ?? [:]).sorted(by: { $0.key < $1.key }) {
                out += "reactions_http_requests_total{route=\"\(route)\",status=\"\(status)\"} \(count)\n"
            }
        }
        out += "# HELP reactions_http_request_duration_seconds Time from a request's first byte to its response.\n"
        out += "# TYPE reactions_http_request_duration_seconds histogram\n"
        var cumulative = 0
        for (i, bound) in Metrics.buckets.enumerated() {
            cumulative += s.bucketCounts[i]
            out += "reactions_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "reactions_http_request_duration_seconds_bucket{le=\"+Inf\"} \(s.latencyCount)\n"
        out += "reactions_http_request_duration_seconds_sum \(s.latencySum)\n"
        out += "reactions_http_request_duration_seconds_count \(s.latencyCount)\n"
        out += "# HELP reactions_deploys_recorded_total Deploys received, by result.\n# TYPE reactions_deploys_recorded_total counter\n"
        for result in ["ok", "no_service_found", "duplicate_deploy", "updated"] {
            out += "reactions_deploys_recorded_total{result=\"\(result)\"} \(s.deploys[result] ?? 0)\n"
        }
        out += "# HELP reactions_delivery_attempts_total Attempts to deliver a reaction's action, by result.\n"
        out += "# TYPE reactions_delivery_attempts_total counter\n"
        out += "reactions_delivery_attempts_total{result=\"succeeded\"} \(s.attemptsSucceeded)\n"
        out += "reactions_delivery_attempts_total{result=\"failed\"} \(s.attemptsFailed)\n"
        out += "# HELP reactions_deliveries_dead_lettered_total Deliveries that exhausted their retries.\n"
        out += "# TYPE reactions_deliveries_dead_lettered_total counter\nreactions_deliveries_dead_lettered_total \(s.deadLettered)\n"
        out += "# HELP reactions_deliveries Deliveries in the outbox by status (failed = dead letters awaiting `deliveries retry`).\n"
        out += "# TYPE reactions_deliveries gauge\n"
        for status in DeliveryStatus.allCases { out += "reactions_deliveries{status=\"\(status.rawValue)\"} \(store.deliveries[status] ?? 0)\n" }
        out += "# HELP reactions_suggestions Unknown service names deploys have used.\n# TYPE reactions_suggestions gauge\n"
        out += "reactions_suggestions \(store.suggestions)\n"
        out += storeSection(store)
        out += "# HELP reactions_http_connections Open client connections.\n# TYPE reactions_http_connections gauge\n"
        out += "reactions_http_connections \(connections)\n"
        out += "# HELP reactions_http_requests_in_flight Requests being answered (a deploy waiting for its commit, say).\n"
        out += "# TYPE reactions_http_requests_in_flight gauge\nreactions_http_requests_in_flight \(inFlight)\n"
        out += "# HELP reactions_revision The applied revision being served.\n# TYPE reactions_revision gauge\n"
        out += "reactions_revision \(s.revision)\n"
        out += "# HELP reactions_ready Whether the server is ready (1) or not (0).\n# TYPE reactions_ready gauge\n"
        out += "reactions_ready \(s.ready ? 1 : 0)\n"
        return out
    }

    /// Retention's totals and the state file's size, so an operator sees space come back.
    private func storeSection(_ store: StoreStatistics) -> String {
        var out = "# HELP reactions_store_pruned_rows_total Rows removed by retention, by table.\n"
        out += "# TYPE reactions_store_pruned_rows_total counter\n"
        for (table, count) in [("events", store.pruned.events), ("deliveries", store.pruned.deliveries),
                               ("attempts", store.pruned.attempts), ("deploys", store.pruned.deploys)] {
            out += "reactions_store_pruned_rows_total{table=\"\(table)\"} \(count)\n"
        }
        out += "# HELP reactions_store_file_bytes Size of the state file (without its write-ahead log).\n"
        out += "# TYPE reactions_store_file_bytes gauge\nreactions_store_file_bytes \(store.fileBytes)\n"
        out += "# HELP reactions_store_free_bytes Bytes of free pages in the state file, reused by new rows or given back.\n"
        out += "# TYPE reactions_store_free_bytes gauge\nreactions_store_free_bytes \(store.freeBytes)\n"
        return out
    }
}

import Foundation
import ReactionsCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one attempt of an `http` action (DESIGN §4): the URL's scheme, host and port are
/// literal in reviewed config; path, query, headers and body are rendered for the event;
/// `webhook-id` is the delivery id (stable across retries); with `sign`, Standard Webhooks
/// headers; redirects are never followed; the response kept is capped.
final class HTTPDeliverer: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    struct Attempt: Sendable, Equatable {
        /// nil when no response arrived (connection refused, timeout, …).
        var status: Int?
        var succeeded: Bool
        /// The first bytes of the response body.
        var response: String
        var error: String?
        /// Seconds the receiver asked us to wait (`Retry-After`), when it did.
        var retryAfter: Int?
        var milliseconds: Int
    }

    static let responseLimit = 16 * 1024
    static let userAgent = "reactions/0.1 (+https://github.com/reactions)"

    private lazy var session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.httpMaximumConnectionsPerHost = 8
        return URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }()

    /// Refuse every redirect: the reviewed host is the only one a delivery may reach.
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    /// The request exactly as it goes on the wire: `webhook-id` is the delivery id, and with a
    /// signing secret the Standard Webhooks headers sign exactly the body bytes sent.
    static func request(_ rendered: RenderedRequest, deliveryID: String, signingSecret: String?, now: Int64) -> URLRequest? {
        guard let url = URL(string: rendered.url), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil else {
            return nil
        }
        var request = URLRequest(url: url, timeoutInterval: Double(rendered.timeout.milliseconds) / 1000)
        request.httpMethod = rendered.method
        for header in rendered.headers { request.setValue(header.value, forHTTPHeaderField: header.name) }
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue(deliveryID, forHTTPHeaderField: "webhook-id")
        var body: [UInt8] = []
        if let json = rendered.body {
            body = JSONWriter(style: .compact).bytes(json)
            if request.value(forHTTPHeaderField: "Content-Type") == nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
            request.httpBody = Data(body)
        }
        if let secret = signingSecret, let signer = try? StandardWebhooks(secret: secret) {
            request.setValue(String(now), forHTTPHeaderField: "webhook-timestamp")
            request.setValue(signer.sign(id: deliveryID, timestamp: now, body: body), forHTTPHeaderField: "webhook-signature")
        }
        return request
    }

    /// Sends and waits (the dispatcher runs attempts on its own threads).
    func send(_ request: URLRequest, expect: [Int]?) -> Attempt {
        let started = Date()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        let task = session.dataTask(with: request) { data, response, error in
            outcome = (data, response, error)
            done.signal()
        }
        task.resume()
        // The action's timeout bounds the whole attempt. FoundationNetworking treats
        // `timeoutInterval` as an idle timeout only, so the deadline is enforced here.
        if done.wait(timeout: .now() + request.timeoutInterval) == .timedOut {
            task.cancel()
            return Attempt(status: nil, succeeded: false, response: "", error: "timed out", retryAfter: nil,
                           milliseconds: Int(Date().timeIntervalSince(started) * 1000))
        }
        let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
        let (data, response, error) = outcome
        guard let http = response as? HTTPURLResponse else {
            return Attempt(status: nil, succeeded: false, response: "", error: error.map(Self.describe) ?? "no response", retryAfter: nil, milliseconds: milliseconds)
        }
        let status = http.statusCode
        let accepted = expect.map { $0.contains(status) } ?? (200..<300).contains(status)
        let excerpt = String(decoding: (data ?? Data()).prefix(Self.responseLimit), as: UTF8.self)
        let retryAfter = (http.value(forHTTPHeaderField: "Retry-After")).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        var failure: String? = nil
        if !accepted {
            failure = (300..<400).contains(status) ? "redirect to \(http.value(forHTTPHeaderField: "Location") ?? "?") not followed"
                                                   : "unexpected status \(status)"
        }
        return Attempt(status: status, succeeded: accepted, response: excerpt, error: failure, retryAfter: retryAfter, milliseconds: milliseconds)
    }

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSURLErrorDomain && ns.code == NSURLErrorTimedOut { return "timed out" }
        return ns.localizedDescription
    }
}

import Foundation
import HTTPServer
@testable import ReactionsCore
import Synchronization
import Testing
@testable import ReactionsRuntime
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A receiver on 127.0.0.1 that records what arrives and answers by path.
final class CaptureReceiver: HTTPHandler, @unchecked Sendable {
    let received = Mutex<[HTTPRequest]>([])
    var server: HTTPServer?

    func handle(_ request: HTTPRequest, context: RequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        received.withLock { $0.append(request) }
        switch request.path {
        case "/redirect": respond(HTTPResponse(status: HTTPStatus(302, "Found"), headers: [("Location", "http://127.0.0.1:1/elsewhere")]))
        case "/busy": respond(HTTPResponse(status: .serviceUnavailable, headers: [("Retry-After", "7")], body: Array("later".utf8)))
        case "/big": respond(.text(.ok, String(repeating: "x", count: 100_000)))
        case "/slow": DispatchQueue.global().asyncAfter(deadline: .now() + 2) { respond(.text(.ok, "late")) }
        default: respond(.text(.accepted, "thanks"))
        }
    }

    static func start() throws -> (CaptureReceiver, HTTPServer) {
        let receiver = CaptureReceiver()
        var configuration = HTTPServerConfiguration()
        configuration.eventLoops = 1
        let server = try HTTPServer(configuration: configuration, handler: receiver)
        server.start()
        return (receiver, server)
    }
}

@Suite(.serialized) struct HTTPDelivererTests {
    func action(_ json: String) throws -> HTTPAction {
        let node = try JSONParser.parse(json)
        var ctx = DecodingContext(file: "t", allowComputed: false)
        guard let action = HTTPActionDecoder.decode(node, .root, &ctx) else { throw CocoaError(.featureUnsupported) }
        return action
    }

    let context = TemplateContext(variables: .sortedObject([
        "deploy": .object(["service": .string("shopping cart"), "deploy_number": .int(234), "environment": .string("Production")]),
        "event": .object(["type": .string("deploy.succeeded")]),
    ]), secret: { $0 == "MONITOR_TOKEN" ? "tok-123" : nil })

    @Test func rendersAndSendsTheRequestWithAStableWebhookIDAndAVerifiableSignature() throws {
        let (receiver, server) = try CaptureReceiver.start()
        defer { server.shutdown(graceMilliseconds: 500) }
        let http = try action(##"{"method": "PUT", "url": "http://127.0.0.1:\##(server.port)/annotations/#{deploy.service}?env=#{deploy.environment}", "headers": {"Authorization": "Bearer #{secret.MONITOR_TOKEN}"}, "body": {"n": "#{deploy.deploy_number}", "text": "#{deploy.service} #{event.type}"}}"##)
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let now = Int64(Date().timeIntervalSince1970)
        let request = try #require(HTTPDeliverer.request(http.render(context), deliveryID: "dlv-42", signingSecret: secret, now: now))
        let attempt = HTTPDeliverer().send(request, expect: nil)
        #expect(attempt.status == 202 && attempt.succeeded && attempt.response == "thanks")
        let got = try #require(receiver.received.withLock { $0.first })
        #expect(got.method == "PUT")
        #expect(got.head.target == "/annotations/shopping%20cart?env=Production")
        #expect(got.headers["authorization"] == "Bearer tok-123")
        #expect(got.headers["content-type"] == "application/json")
        #expect(got.headers["webhook-id"] == "dlv-42")
        #expect(String(decoding: got.body, as: UTF8.self) == #"{"n":234,"text":"shopping cart deploy.succeeded"}"#)
        // What a receiver using the Standard Webhooks libraries checks:
        try StandardWebhooks(secret: secret).verify(id: got.headers["webhook-id"], timestamp: got.headers["webhook-timestamp"],
                                                    signatures: got.headers["webhook-signature"], body: got.body, now: now)
        // A retry of the same delivery carries the same webhook-id.
        let retry = try #require(HTTPDeliverer.request(http.render(context), deliveryID: "dlv-42", signingSecret: nil, now: now + 5))
        #expect(retry.value(forHTTPHeaderField: "webhook-id") == "dlv-42")
    }

    @Test func redirectsAreNotFollowedAndStatusesAreChecked() throws {
        let (receiver, server) = try CaptureReceiver.start()
        defer { server.shutdown(graceMilliseconds: 500) }
        let deliverer = HTTPDeliverer()
        let redirect = deliverer.send(URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/redirect")!), expect: nil)
        #expect(redirect.status == 302 && !redirect.succeeded)
        #expect(redirect.error?.contains("not followed") == true)
        #expect(receiver.received.withLock { $0.count } == 1, "nothing went to the redirect's target")
        let busy = deliverer.send(URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/busy")!), expect: nil)
        #expect(busy.status == 503 && !busy.succeeded && busy.retryAfter == 7)
        let accepted = deliverer.send(URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/busy")!), expect: [503])
        #expect(accepted.succeeded)
        let big = deliverer.send(URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/big")!), expect: nil)
        #expect(big.succeeded && big.response.utf8.count == HTTPDeliverer.responseLimit)
    }

    @Test func timeoutsAndRefusedConnectionsAreFailuresNotCrashes() throws {
        let (_, server) = try CaptureReceiver.start()
        defer { server.shutdown(graceMilliseconds: 3000) }
        let slow = try action(#"{"url": "http://127.0.0.1:\#(server.port)/slow", "timeout": "300ms"}"#)
        let attempt = HTTPDeliverer().send(try #require(HTTPDeliverer.request(slow.render(context), deliveryID: "d", signingSecret: nil, now: 0)), expect: nil)
        #expect(attempt.status == nil && !attempt.succeeded)
        #expect(attempt.error == "timed out")
        #expect(attempt.milliseconds < 2000)
        let refused = HTTPDeliverer().send(URLRequest(url: URL(string: "http://127.0.0.1:1/")!), expect: nil)
        #expect(refused.status == nil && !refused.succeeded && refused.error != nil)
    }
}

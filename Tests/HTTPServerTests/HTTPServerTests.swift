import Foundation
import Testing
@testable import HTTPServer
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct HTTPServerTests {
    @Test(.enabled(if: hasCurl)) func curlGetPostChunkedAndKeepAlive() throws {
        let server = try startServer()
        defer { server.shutdown(graceMilliseconds: 1000) }
        let base = "http://127.0.0.1:\(server.port)"
        let (status, output) = try runProgram("/usr/bin/curl", ["-sv", "\(base)/a?x=1", "\(base)/b"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("GET /a?x=1 0"))
        #expect(output.contains("GET /b 0"))
        #expect(output.contains("Re-using existing connection") || output.contains("Reusing existing connection"), "keep-alive: \(output)")
        let (_, post) = try runProgram("/usr/bin/curl", ["-s", "--data-binary", "@-", "-H", "Content-Type: application/json", "\(base)/post"], stdin: #"{"a":1}"#)
        #expect(post == #"POST /post 7 {"a":1}"#)
        let (_, chunked) = try runProgram("/usr/bin/curl", ["-s", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", "\(base)/chunked"], stdin: "hello chunks")
        #expect(chunked == "POST /chunked 12 hello chunks")
        // curl sends Expect: 100-continue for bodies over 1 MiB... force it for a small one.
        let (_, expect) = try runProgram("/usr/bin/curl", ["-s", "-H", "Expect: 100-continue", "--data-binary", "@-", "\(base)/expect"], stdin: "abc")
        #expect(expect == "POST /expect 3 abc")
    }

    @Test(.enabled(if: hasPython)) func pythonHTTPClientOverOneConnection() throws {
        let server = try startServer()
        defer { server.shutdown(graceMilliseconds: 1000) }
        let script = """
        import http.client, sys
        c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
        for i in range(50):
            c.request("POST", f"/p/{i}", body=b"x" * i, headers={"Content-Type": "text/plain"})
            r = c.getresponse()
            body = r.read().decode()
            assert r.status == 200 and body == f"POST /p/{i} {i} " + "x" * i, (r.status, body)
        c.request("HEAD", "/h")
        r = c.getresponse()
        assert r.status == 200 and r.read() == b"" and int(r.getheader("Content-Length")) > 0
        print("ok")
        """
        let (status, output) = try runProgram("/usr/bin/env", ["python3", "-c", script, String(server.port)])
        #expect(status == 0 && output.contains("ok"), "\(output)")
    }

    @Test func urlSession() async throws {
        let server = try startServer()
        defer { server.shutdown(graceMilliseconds: 1000) }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/from-urlsession")!)
        request.httpMethod = "POST"
        request.httpBody = Data("body".utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self) == "POST /from-urlsession 4 body")
    }

    /// Work a handler hands back from another thread runs on the connection's own loop, and
    /// answers there; several at once on one connection come back in order.
    @Test func onLoopWorkRunsOnTheConnectionsLoop() throws {
        let server = try startServer()
        defer { server.shutdown(graceMilliseconds: 1000) }
        let client = try RawClient(port: server.port)
        var requests: [UInt8] = []
        for path in ["/hop", "/a", "/hop"] { requests += Array("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n".utf8) }
        client.send(requests)
        let bodies = client.readResponses(3).map { $0.components(separatedBy: "\r\n\r\n").last ?? "" }
        #expect(bodies == ["on the loop: true", "GET /a 0 ", "on the loop: true"])
    }

    @Test func pipelinedRequestsAreAnsweredInOrderEvenWhenTheFirstIsSlow() throws {
        let server = try startServer()
        defer { server.shutdown(graceMilliseconds: 1000) }
        let client = try RawClient(port: server.port)
        client.send("GET /async/150 HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nPOST /async/10 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /last HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = client.readResponses(4)
        #expect(responses.count == 4)
        #expect(responses.map { $0.components(separatedBy: "\r\n\r\n").last ?? "" } == ["GET /async/150 0 ", "GET /fast 0 ", "POST /async/10 2 hi", "GET /last 0 "])
        #expect(responses.allSatisfy { $0.hasPrefix("HTTP/1.1 200 OK\r\n") })
    }

    @Test func aPipelineFloodIsAnsweredInOrderWithBoundedBuffering() throws {
        let server = try startServer {
            $0.limits.bodyBytes = 1024
            $0.limits.headerBytes = 1024
        }
        defer { server.shutdown(graceMilliseconds: 1000) }
        let client = try RawClient(port: server.port, receiveTimeoutMilliseconds: 10_000)
        // Far more than the server buffers behind a pending request: it must pause reading,
        // then resume and answer every request, in order.
        let count = 3000
        let requests = (0..<count).map { "POST /async/\($0 % 3) HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nr\(String(format: "%04d", $0))" }.joined()
        let sender = Thread { client.send(requests) }
        sender.start()
        let responses = client.readResponses(count)
        #expect(responses.count == count)
        #expect(responses.enumerated().allSatisfy { $0.element.hasSuffix(String(format: "r%04d", $0.offset)) })
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() throws {
        let server = try startServer()
        defer { server.shutdown(graceMilliseconds: 1000) }
        let client = try RawClient(port: server.port)
        client.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        var buffer = [UInt8](repeating: 0, count: 100)
        let n = recv(client.fd, &buffer, buffer.count, 0)
        #expect(String(decoding: buffer[0..<max(0, n)], as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
        client.send("hello")
        #expect(client.readResponses(1).first?.hasSuffix("POST /e 5 hello") == true)
        // Too large: refused with 413 instead of 100, without reading the body.
        let big = try RawClient(port: server.port)
        big.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\nExpect: 100-continue\r\n\r\n")
        let refused = big.readToEnd()
        #expect(refused.hasPrefix("HTTP/1.1 413 "), "\(refused)")
        #expect(!refused.contains("100 Continue"))
    }

    @Test func limitsAnswerWithTheRightStatusAndClose() throws {
        let server = try startServer()
        defer { server.shutdown(graceMilliseconds: 1000) }
        let cases: [(String, String)] = [
            ("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n", "HTTP/1.1 413 "),
            ("GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 20_000) + "\r\n\r\n", "HTTP/1.1 431 "),
            ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.1 400 "),
            ("GET / HTTP/1.1\r\nX: a\r\n b\r\nHost: x\r\n\r\n", "HTTP/1.1 400 "),
            ("\u{16}\u{03}\u{01}\u{00}\u{a5}\u{01}\u{00}\u{00}\u{a1}\u{03}\u{03}garbage-tls-hello\r\n\r\n", "HTTP/1.1 400 "),
            ("GET / HTTP/3.0\r\nHost: x\r\n\r\n", "HTTP/1.1 505 "),
        ]
        for (request, expected) in cases {
            let client = try RawClient(port: server.port)
            client.send(request)
            let answer = client.readToEnd()
            #expect(answer.hasPrefix(expected), "\(request.prefix(60).debugDescription) → \(answer.prefix(80).debugDescription)")
            #expect(answer.contains("Connection: close"))
        }
        // The server is still fine.
        let client = try RawClient(port: server.port)
        client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponses(1).first?.hasSuffix("GET /after 0 ") == true)
    }

    @Test func slowClientsGet408AndIdleConnectionsAreClosed() throws {
        let server = try startServer {
            $0.requestTimeoutMilliseconds = 300
            $0.idleTimeoutMilliseconds = 400
        }
        defer { server.shutdown(graceMilliseconds: 1000) }
        let slow = try RawClient(port: server.port)
        slow.send("GET / HTTP/1.1\r\nHost: x\r\n")
        Thread.sleep(forTimeInterval: 0.15)
        slow.send("X-Drip: 1\r\n")
        let answer = slow.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 408 "), "\(answer)")

        let idle = try RawClient(port: server.port)
        idle.send("GET /once HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.readResponses(1).count == 1)
        let started = Date()
        #expect(idle.isClosedByPeer())
        #expect(Date().timeIntervalSince(started) < 2.5)
    }

    @Test func connectionsBeyondTheCapGet503() throws {
        let server = try startServer {
            $0.maxConnections = 3
            $0.eventLoops = 1
        }
        defer { server.shutdown(graceMilliseconds: 1000) }
        var held: [RawClient] = []
        for _ in 0..<3 {
            let c = try RawClient(port: server.port)
            c.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(c.readResponses(1).count == 1)
            held.append(c)
        }
        let extra = try RawClient(port: server.port)
        #expect(extra.readToEnd().hasPrefix("HTTP/1.1 503 "))
        held.removeAll()
        Thread.sleep(forTimeInterval: 0.2)
        let again = try RawClient(port: server.port)
        again.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(again.readResponses(1).first?.hasPrefix("HTTP/1.1 200 ") == true)
    }

    @Test func shutdownDrainsInFlightRequests() throws {
        let server = try startServer()
        let client = try RawClient(port: server.port)
        client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        // Wait until the request is in the handler (however slow the machine), then stop.
        let deadline = Date().addingTimeInterval(5)
        while server.inFlightCount == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        #expect(server.inFlightCount == 1)
        server.shutdown(graceMilliseconds: 5000)
        let answer = client.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 200 "), "\(answer)")
        #expect(answer.contains("Connection: close"))
        #expect(answer.hasSuffix("GET /slow 0 "))
        #expect(throws: (any Error).self) { try RawClient(port: server.port) }
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() throws {
        let server = try startServer()
        defer { server.shutdown(graceMilliseconds: 1000) }
        let plain = try RawClient(port: server.port)
        plain.send("GET /old HTTP/1.0\r\n\r\n")
        let answer = plain.readToEnd()
        #expect(answer.contains("Connection: close") && answer.hasSuffix("GET /old 0 "))
        let keep = try RawClient(port: server.port)
        keep.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let two = keep.readResponses(2)
        #expect(two.count == 2 && two.allSatisfy { $0.contains("Connection: keep-alive") })
    }
}

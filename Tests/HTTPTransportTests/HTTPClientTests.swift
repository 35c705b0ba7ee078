import Foundation
import HTTPTransport
import Testing
import TestSupport

@Suite("HTTP client over libcurl, against a loopback server")
struct HTTPClientTests {
    let client = HTTPClient.shared

    @Test("send returns status, case-insensitive headers and the whole body")
    func sendCollectsResponse() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.json(#"{"ok":true}"#, status: 201, headers: [("X-Request-Id", "abc")]), path: "/thing")
        let response = try await client.send(HTTPRequest(url: server.baseURL + "/thing"))
        #expect(response.status == 201)
        #expect(response.headers["x-request-id"] == "abc")
        #expect(response.headers["CONTENT-TYPE"] == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"ok":true}"#)
    }

    @Test("kept-alive connections are reused when asked (the default for HTTPS), closed otherwise", arguments: [true, false])
    func connectionReuse(keepAlive: Bool) async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        for _ in 0..<3 {
            server.enqueue(.json("{}"), path: "/again")
            _ = try await client.send(HTTPRequest(url: server.baseURL + "/again", keepAlive: keepAlive))
        }
        let ports = Set(server.requests.compactMap(\.clientPort))
        #expect(server.requests.count == 3)
        #expect(ports.count == (keepAlive ? 1 : 3), "client ports: \(ports)")
    }

    @Test("POST sends the body and headers")
    func postSendsBodyAndHeaders() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.json("{}"))
        let body = Data(#"{"question":"什么?"}"#.utf8)
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer sk-test-SECRET-123")
        let response = try await client.send(
            .postJSON(url: server.baseURL + "/v1/chat/completions", body: body, headers: headers))
        #expect(response.status == 200)
        let received = try #require(server.requests.last)
        #expect(received.method == "POST")
        #expect(received.body == body)
        #expect(received.headers["authorization"] == "Bearer sk-test-SECRET-123")
        #expect(received.headers["content-type"] == "application/json")
    }

    @Test("a large body is sent whole, without an Expect round trip")
    func largeBody() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.json("{}"))
        let body = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let response = try await client.send(HTTPRequest(method: "POST", url: server.baseURL + "/upload", body: body))
        #expect(response.status == 200)
        #expect(server.requests.last?.body == body)
    }

    @Test("stream hands over status and headers before the body, and chunks as they come")
    func streamDeliversChunks() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse(
            status: 200, headers: [("Content-Type", "text/event-stream")],
            pieces: [.bytes(Data("first".utf8)), .pause(0.05), .bytes(Data("second".utf8))]))
        let response = try await client.stream(HTTPRequest(url: server.baseURL + "/stream"))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/event-stream")
        var text = ""
        for try await chunk in response.body { text += String(decoding: chunk, as: UTF8.self) }
        #expect(text == "firstsecond")
    }

    @Test("cancelling the consuming task stops a stream at once")
    func cancellationStopsStream() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse(pieces: [.bytes(Data("hello".utf8)), .pause(30), .bytes(Data("late".utf8))]))
        let (firstChunk, signal) = AsyncStream<Void>.makeStream()
        let task = Task {
            let response = try await client.stream(HTTPRequest(url: server.baseURL + "/slow"))
            var received = ""
            do {
                for try await chunk in response.body {
                    received += String(decoding: chunk, as: UTF8.self)
                    signal.yield()
                }
            } catch let error as HTTPError where error.code == .cancelled {
                // The body may end quietly or report the cancellation; both stop the transfer.
            }
            return received
        }
        for await _ in firstChunk { break }
        let cancelled = ContinuousClock.now
        task.cancel()
        let received = try await task.value
        #expect(received == "hello")
        // The server pauses 30 s: ending well before that means the cancel stopped the transfer.
        #expect(ContinuousClock.now - cancelled < .seconds(10))
    }

    @Test("cancelling while waiting for the headers throws a cancelled error at once")
    func cancellationBeforeHeaders() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.json("{}").delayed(by: 30))
        let task = Task { try await client.send(HTTPRequest(url: server.baseURL + "/stuck")) }
        try await Task.sleep(for: .milliseconds(200))
        let cancelled = ContinuousClock.now
        task.cancel()
        let error = await #expect(throws: HTTPError.self) { try await task.value }
        #expect(error?.code == .cancelled)
        #expect(error?.exitStatus == .interrupted)
        // The server waits 30 s: ending well before that means the cancel stopped the transfer.
        #expect(ContinuousClock.now - cancelled < .seconds(10))
    }

    @Test("a silent server trips the idle timeout")
    func idleTimeout() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse(pieces: [.bytes(Data("a".utf8)), .pause(30), .bytes(Data("b".utf8))]))
        let request = HTTPRequest(url: server.baseURL + "/stall", timeouts: HTTPTimeouts(idle: 1.5))
        let error = await #expect(throws: HTTPError.self) { try await client.send(request) }
        #expect(error?.code == .idleStall)
        #expect(error?.isTransient == true)
        #expect(error?.message == "\(server.baseURL)/stall stopped sending data (nothing received for 1.5 s)")
    }

    @Test("a body cut off mid-way is a broken connection, not a short answer")
    func cutBody() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(ScriptedResponse.sse(["{\"a\":1}", "{\"b\":2}"]).cut(afterBytes: 12))
        let error = await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: server.baseURL + "/cut"))
        }
        #expect(error?.code == .connectionLost)
    }

    @Test("an unreachable server names the URL but no secrets")
    func connectionRefusedMessage() async throws {
        let closed = try RefusingPort()
        let base = closed.baseURL
        let secretURL = base.replacingOccurrences(of: "http://", with: "http://user:sk-test-SECRET-123@")
            + "/v1/models?key=sk-test-SECRET-123"
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer sk-test-SECRET-123")
        let error = await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: secretURL, headers: headers, timeouts: HTTPTimeouts(connect: 2)))
        }
        #expect(error?.code == .couldNotConnect)
        #expect(error?.exitStatus == .serviceFailure)
        let message = error?.message ?? ""
        #expect(message.hasPrefix("cannot connect to \(base)/v1/models"))
        #expect(!message.contains("SECRET"))
        extendLifetime(closed)
    }

    @Test("display URLs drop user information, query and fragment")
    func displayURL() {
        #expect(HTTPError.displayURL("https://u:p@api.example.com:8443/v1/x?key=1#f") == "https://api.example.com:8443/v1/x")
        #expect(HTTPError.displayURL("http://localhost:11434") == "http://localhost:11434")
        #expect(!HTTPError.displayURL("not a url://a:secret@b?x").contains("secret"))
    }

    @Test("a host that cannot be resolved is named without the URL's secrets")
    func unresolvableHost() async {
        let url = "http://user:sk-test-SECRET-123@no-such-host.invalid/v1/models?key=sk-test-SECRET-123"
        let error = await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: url, timeouts: HTTPTimeouts(connect: 5)))
        }
        // Without DNS at all the resolver may time out instead; either way the URL is shown safely.
        #expect(error?.code == .couldNotConnect || error?.code == .timedOut)
        #expect(error?.message.contains("http://no-such-host.invalid/v1/models") == true)
        #expect(error?.message.contains("SECRET") == false)
    }

    @Test("a malformed URL is reported as invalid")
    func invalidURL() async {
        let error = await #expect(throws: HTTPError.self) { try await client.send(HTTPRequest(url: "ftp://x/y")) }
        #expect(error?.code == .invalidURL)
    }
}

import Foundation
import HTTPTransport
import Testing
import TestSupport

/// Size, pace and time limits against hostile loopback servers: each ends the transfer with its own
/// error, and the message names the limit and the setting the caller said would change it.
@Suite("HTTP limits against hostile servers")
struct LimitTests {
    let client = HTTPClient.shared
    let advice = HTTPLimits.Advice(
        bodySize: "limits.test_max_bytes", totalTime: "limits.test_total", minimumRate: "limits.test_min_rate",
        idle: "limits.test_idle")

    func request(_ server: FakeModelServer, _ path: String, timeouts: HTTPTimeouts = HTTPTimeouts(), limits: HTTPLimits)
        -> HTTPRequest
    {
        HTTPRequest(url: server.baseURL + path, timeouts: timeouts, limits: limits)
    }

    @Test("an endless body is cut at the size limit, in a stream as in a whole-body read")
    func endlessBodyIsCut() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.endlessJSONBody(), .endlessJSONBody())
        let limits = HTTPLimits(maxBodyBytes: 1 << 20, advice: advice)
        let error = await #expect(throws: HTTPError.self) { try await client.send(request(server, "/endless", limits: limits)) }
        #expect(error?.code == .bodyTooLarge)
        #expect(error?.isTransient == false)
        #expect(error?.message == "the response from \(server.baseURL)/endless is larger than allowed "
            + "(more than 1 MiB; to change it, set limits.test_max_bytes)")
        let response = try await client.stream(request(server, "/endless", limits: limits))
        var received = 0
        let streamError = await #expect(throws: HTTPError.self) {
            for try await chunk in response.body { received += chunk.count }
        }
        #expect(streamError?.code == .bodyTooLarge)
        #expect(received <= 1 << 20, "no byte past the limit is handed on")
    }

    @Test("a 2 GB Content-Length is refused when the headers arrive")
    func hugeContentLengthRefusedAtHeader() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.hugeDeclaredLength())
        // `stream` returns once the headers are accepted: throwing here means refused at the header.
        let error = await #expect(throws: HTTPError.self) {
            try await client.stream(request(server, "/huge", limits: HTTPLimits(maxBodyBytes: 8 << 20, advice: advice)))
        }
        #expect(error?.code == .bodyTooLarge)
        #expect(error?.message.contains("more than 8 MiB; to change it, set limits.test_max_bytes") == true)
    }

    @Test("a trickle slower than the minimum rate is cut after the rate's time, not retried")
    func slowLorisIsCut() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.trickle(every: 0.3))
        let limits = HTTPLimits(minimumRate: HTTPLimits.MinimumRate(bytesPerSecond: 100, seconds: 2), advice: advice)
        let error = await #expect(throws: HTTPError.self) { try await client.send(request(server, "/slow", limits: limits)) }
        #expect(error?.code == .tooSlow)
        #expect(error?.isTransient == false)
        #expect(error?.message == "\(server.baseURL)/slow sent its response too slowly "
            + "(less than 100 bytes/s for 2 s; to change it, set limits.test_min_rate)")
    }

    @Test("a body that keeps coming past the total time is cut at the total time")
    func totalTimeIsEnforced() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.keepAliveOnly(every: 0.1))
        let timeouts = HTTPTimeouts(total: 1.5, idle: 5)
        let error = await #expect(throws: HTTPError.self) {
            try await client.send(request(server, "/forever", timeouts: timeouts, limits: HTTPLimits(advice: advice)))
        }
        #expect(error?.code == .timedOut)
        #expect(error?.isTransient == false)
        #expect(error?.message == "request to \(server.baseURL)/forever took longer than its time limit "
            + "(more than 1.5 s in all; to change it, set limits.test_total)")
    }

    @Test("an option libcurl refuses fails the request through the one libcurl error check, naming the call")
    func refusedOptionIsReported() async throws {
        // libcurl refuses option strings longer than 8,000,000 bytes (CURL_MAX_INPUT_LENGTH).
        let url = "http://127.0.0.1:1/" + String(repeating: "a", count: 8_100_000)
        let error = await #expect(throws: HTTPError.self) { try await client.send(HTTPRequest(url: url)) }
        #expect(error?.code == .transferFailed)
        #expect(error?.message.contains("curl_easy_setopt(option 10002) failed: A libcurl function was given a bad argument") == true)
    }
}

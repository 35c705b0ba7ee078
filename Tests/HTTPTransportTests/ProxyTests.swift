import Foundation
import HTTPTransport
import Testing
import TestSupport

@Suite("Proxies from the environment", .serialized)
struct ProxyTests {
    /// Sets `http_proxy` for the duration of `body` (only non-local hosts are affected, so tests
    /// running alongside, which talk to 127.0.0.1, are not).
    func withHTTPProxy<T>(_ proxy: String, _ body: () async throws -> T) async rethrows -> T {
        setenv("http_proxy", proxy, 1)
        defer { unsetenv("http_proxy") }
        return try await body()
    }

    @Test("http_proxy carries requests to remote hosts, as curl does")
    func proxyUsed() async throws {
        let proxy = try await FakeModelServer()
        defer { Task { await proxy.stop() } }
        proxy.enqueue(.json(#"{"via":"proxy"}"#))
        let response = try await withHTTPProxy(proxy.baseURL) {
            try await HTTPClient.shared.send(HTTPRequest(url: "http://models.example.invalid/v1/other"))
        }
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"via":"proxy"}"#)
        #expect(proxy.requests.first?.headers["host"] == "models.example.invalid")
    }

    @Test("local servers are reached directly when no_proxy is not set")
    func localBypassesProxy() async throws {
        let server = try await FakeModelServer()
        defer { Task { await server.stop() } }
        server.enqueue(.json("{}"), path: "/api/tags")
        let port = server.baseURL.split(separator: ":").last.map(String.init) ?? ""
        let response = try await withHTTPProxy("http://127.0.0.1:9") {
            try await HTTPClient.shared.send(HTTPRequest(url: "http://localhost:\(port)/api/tags"))
        }
        #expect(response.status == 200)
    }
}

import BlindsightCore
import FlyingFox
import FlyingSocks
import Foundation
import Synchronization

/// A model server on a loopback socket (127.0.0.1, a free port) for tests and benchmarks. It speaks
/// the real wire formats over real HTTP: OpenAI-compatible (`/v1/chat/completions` with SSE,
/// `/v1/models`) and Ollama (`/api/chat` with NDJSON, `/api/tags`), plus `/health`.
///
/// Chat replies come from a script: a queue of ``ScriptedResponse``s played in order (build them
/// with the helpers in `ScriptedResponse+Builders.swift`). Every request received is recorded, with
/// its raw body and parsed JSON, for assertions.
public final class FakeModelServer: Sendable {
    /// A request as the server received it.
    public struct ReceivedRequest: Sendable {
        public var method: String
        public var path: String
        /// Header names lowercased.
        public var headers: [String: String]
        public var body: Data
        /// The body parsed as JSON, when it is JSON.
        public var json: BlindsightCore.JSONValue?
        /// The client's port: requests on one kept-alive connection share it.
        public var clientPort: Int?
    }

    private struct State {
        var queues: [String: [ScriptedResponse]] = [:]
        var received: [ReceivedRequest] = []
        var receivedCount = 0
        var keepsRequests = true
        var models: [String]
        var responder: (@Sendable (ReceivedRequest) -> ScriptedResponse?)?
    }

    /// The script and the record, shared with the request handler.
    private final class Shared: Sendable {
        let state: Mutex<State>
        init(models: [String]) { state = Mutex(State(models: models)) }
    }

    private static let anyPath = "*"
    private let server: HTTPServer
    private let task: Task<Void, any Error>
    private let shared: Shared
    /// `http://127.0.0.1:<port>`.
    public let baseURL: String

    /// Starts a server that lists `models` on `/v1/models` and `/api/tags`.
    public init(models: [String] = ["test-model"]) async throws {
        let shared = Shared(models: models)
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 60, logger: .disabled)
        await server.appendRoute("*") { request in
            await Self.answer(request, state: shared.state)
        }
        task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 60)
        guard case .ip4(_, let port) = await server.listeningAddress else {
            throw CocoaError(.featureUnsupported)
        }
        self.server = server
        self.shared = shared
        self.baseURL = "http://127.0.0.1:\(port)"
    }

    /// Queues responses for the chat endpoints, or for requests to exactly `path` when given.
    public func enqueue(_ responses: ScriptedResponse..., path: String? = nil) {
        shared.state.withLock { $0.queues[path ?? Self.anyPath, default: []].append(contentsOf: responses) }
    }

    /// Answers chat requests that no queued response is left for by asking `responder` (for concurrent
    /// clients, whose requests arrive in no fixed order); nil from it falls through to the defaults.
    public func respond(with responder: @escaping @Sendable (ReceivedRequest) -> ScriptedResponse?) {
        shared.state.withLock { $0.responder = responder }
    }

    /// Changes the models the listing endpoints report.
    public func setModels(_ models: [String]) {
        shared.state.withLock { $0.models = models }
    }

    /// Stops keeping the requests it receives (only ``requestCount`` goes on counting), so a long
    /// benchmark measures the client's memory, not the server's record.
    public func stopKeepingRequests() {
        shared.state.withLock {
            $0.keepsRequests = false
            $0.received = []
        }
    }

    /// How many requests have been received, kept or not.
    public var requestCount: Int { shared.state.withLock { $0.receivedCount } }

    /// Every request received so far, in order.
    public var requests: [ReceivedRequest] { shared.state.withLock { $0.received } }

    /// The requests received for `path`.
    public func requests(to path: String) -> [ReceivedRequest] { requests.filter { $0.path == path } }

    /// How many scripted responses have not been played yet.
    public var pendingResponses: Int { shared.state.withLock { $0.queues.values.reduce(0) { $0 + $1.count } } }

    /// Stops listening and closes every connection.
    public func stop() async {
        await server.stop(timeout: 0)
        task.cancel()
    }

    private static func answer(_ request: FlyingFox.HTTPRequest, state: borrowing Mutex<State>) async -> FlyingFox.HTTPResponse {
        let body = (try? await request.bodyData) ?? Data()
        var headers: [String: String] = [:]
        for (name, values) in request.headers.map({ ($0.key, request.headers.values(for: $0.key)) }) {
            headers[name.rawValue.lowercased()] = values.joined(separator: ", ")
        }
        let received = ReceivedRequest(
            method: request.method.rawValue, path: request.path, headers: headers, body: body,
            json: try? JSONDecoder().decode(BlindsightCore.JSONValue.self, from: body), clientPort: clientPort(request))
        let (queued, models, responder) = state.withLock { state in
            state.receivedCount += 1
            if state.keepsRequests { state.received.append(received) }
            for key in [request.path, anyPath] where !(state.queues[key]?.isEmpty ?? true) {
                if key == anyPath, isListing(request.path) { break }
                return (state.queues[key]?.removeFirst(), state.models, state.responder)
            }
            return (nil, state.models, state.responder)
        }
        let scripted = queued ?? (isListing(request.path) ? nil : responder?(received))
        if let scripted {
            if scripted.delayBeforeHeaders > 0 { try? await Task.sleep(for: .seconds(scripted.delayBeforeHeaders)) }
            return scripted.httpResponse()
        }
        switch request.path {
        case "/v1/models": return ScriptedResponse.openAIModelList(models).httpResponse()
        case "/api/tags": return ScriptedResponse.ollamaModelList(models).httpResponse()
        case "/health": return ScriptedResponse.json(#"{"status":"ok"}"#).httpResponse()
        default:
            return ScriptedResponse.error(status: 500, message: "fake server: no scripted response for \(request.path)")
                .httpResponse()
        }
    }

    private static func clientPort(_ request: FlyingFox.HTTPRequest) -> Int? {
        switch request.remoteAddress {
        case .ip4(_, let port), .ip6(_, let port): Int(port)
        default: nil
        }
    }

    private static func isListing(_ path: String) -> Bool { path == "/v1/models" || path == "/api/tags" }
}

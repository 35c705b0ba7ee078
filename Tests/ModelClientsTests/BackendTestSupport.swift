import Foundation
import HTTPTransport
import ModelClients
import Synchronization
import TestSupport

/// Waits the retry policy asked for, recorded; actual sleeps are capped at 10 ms so tests stay fast.
final class RecordedWaits: Sendable {
    private let waits = Mutex<[Double]>([])

    var values: [Double] { waits.withLock { $0 } }

    func policy(maxAttempts: Int = 3, maxRetryAfter: Double = 120) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts, maxRetryAfter: maxRetryAfter,
            sleep: { [self] seconds in
                waits.withLock { $0.append(seconds) }
                try await Task.sleep(for: .seconds(min(seconds, 0.01)))
            }, jitter: { 1.0 })
    }
}

/// What a backend streamed (deltas since the last restart, as a live display keeps them).
struct StreamedReply {
    var deltas: [ChatDelta]
    var completion: ChatCompletion
    /// The attempt numbers of the restarts announced.
    var restarts: [Int] = []

    var streamedContent: String { deltas.map(\.content).joined() }
    var streamedReasoning: String { deltas.map(\.reasoning).joined() }
}

/// Runs one chat request to its end.
func collect(_ backend: any ChatBackend, _ request: ChatRequest) async throws -> StreamedReply {
    var deltas: [ChatDelta] = []
    var restarts: [Int] = []
    var completion: ChatCompletion?
    for try await event in backend.chat(request) {
        switch event {
        case .delta(let delta): deltas.append(delta)
        case .restarted(let attempt, _):
            restarts.append(attempt)
            deltas = []
        case .completed(let value): completion = value
        }
    }
    guard let completion else { throw CancellationError() }
    return StreamedReply(deltas: deltas, completion: completion, restarts: restarts)
}

/// The `ModelServiceError` a request ends with, or nil when it succeeds.
func failure(_ backend: any ChatBackend, _ request: ChatRequest) async -> ModelServiceError? {
    do {
        _ = try await collect(backend, request)
        return nil
    } catch {
        return error as? ModelServiceError
    }
}

func openAI(_ server: some LoopbackEndpoint, model: String = "test-model", key: String? = nil, policy: RetryPolicy = .standard,
            idle: Double? = 5, settings: ModelSettings = ModelSettings(), memory: StructuredOutputMemory = StructuredOutputMemory())
    -> OpenAICompatibleBackend
{
    OpenAICompatibleBackend(
        model: model,
        connection: BackendConnection(
            baseURL: server.baseURL + "/v1", apiKey: key, timeouts: HTTPTimeouts(connect: 2, idle: idle), retry: policy,
            structuredOutputMemory: memory),
        settings: settings)
}

func ollama(_ server: FakeModelServer, model: String = "test-model", policy: RetryPolicy = .standard,
            settings: ModelSettings = ModelSettings(), memory: StructuredOutputMemory = StructuredOutputMemory())
    -> OllamaBackend
{
    OllamaBackend(
        model: model,
        connection: BackendConnection(
            baseURL: server.baseURL, timeouts: HTTPTimeouts(connect: 2, idle: 5), retry: policy,
            structuredOutputMemory: memory),
        settings: settings)
}

let question = ChatRequest(messages: [ChatMessage(role: .user, content: "What is in the picture?")])

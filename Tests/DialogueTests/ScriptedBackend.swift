import BlindsightCore
import Foundation
import ModelClients
import Synchronization

import Dialogue

/// An in-process chat backend that plays scripted replies and records every request (for the engine's
/// unit tests; the evidence scenarios use the loopback fake servers instead).
final class ScriptedBackend: ChatBackend {
    enum Reply: Sendable {
        /// Streamed in two deltas, reasoning first.
        case text(String, reasoning: String = "")
        /// The stream throws this error.
        case failure(any Error & Sendable)
        /// The stream never ends until cancelled.
        case hang
        /// This piece of content arrives, then the stream hangs until cancelled.
        case partialThenHang(String)
    }

    struct Failure: UserFacingError {
        var message: String
        var exitStatus: ExitStatus { .serviceFailure }
    }

    let descriptor: ModelDescriptor
    private let state: Mutex<(replies: [Reply], requests: [ChatRequest])>

    init(_ model: String, _ replies: [Reply]) {
        descriptor = ModelDescriptor(provider: "scripted", model: model, baseURL: nil)
        state = Mutex((replies, []))
    }

    var requests: [ChatRequest] { state.withLock { $0.requests } }

    func chat(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let reply = state.withLock { state -> Reply in
            state.requests.append(request)
            return state.replies.isEmpty ? .failure(Failure(message: "script exhausted")) : state.replies.removeFirst()
        }
        return AsyncThrowingStream { continuation in
            let task = Task {
                switch reply {
                case .text(let content, let reasoning):
                    if !reasoning.isEmpty { continuation.yield(.delta(ChatDelta(reasoning: reasoning))) }
                    continuation.yield(.delta(ChatDelta(content: content)))
                    continuation.yield(.completed(ChatCompletion(
                        content: content, reasoning: reasoning, rawContent: content, finishReason: "stop",
                        usage: TokenUsage(promptTokens: 10, completionTokens: 5), timeToFirstDelta: 0.01,
                        totalSeconds: 0.02, attempts: 1)))
                    continuation.finish()
                case .failure(let error):
                    continuation.finish(throwing: error)
                case .hang, .partialThenHang:
                    if case .partialThenHang(let piece) = reply { continuation.yield(.delta(ChatDelta(content: piece))) }
                    while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
                    continuation.finish(throwing: CancellationError())
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// Collects events for assertions.
final class EventLog: DialogueObserver {
    private let storage = Mutex<[DialogueEvent]>([])
    var events: [DialogueEvent] { storage.withLock { $0 } }
    func record(_ event: DialogueEvent) async { storage.withLock { $0.append(event) } }
}

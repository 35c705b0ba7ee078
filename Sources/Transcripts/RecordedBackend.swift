import BlindsightCore
import Dialogue
import Foundation
import ModelClients
import Synchronization

/// A ``ChatBackend`` that serves a transcript's recorded replies of one role, in order, without any
/// server: what `replay --rerun` runs the current referee against.
///
/// Each request gets the next recorded reply (answer, reasoning, raw text, usage and latency as
/// recorded). When the referee asks for more replies than were recorded, the stream fails with
/// ``RecordedBackendExhausted``, which the re-run reports as a divergence.
public final class RecordedBackend: ChatBackend {
    public let descriptor: ModelDescriptor
    private let replies: [DialogueEvent]
    private let served = Mutex(0)

    /// A backend for `role` ("reasoner" uses the `reasonerTurn` events, "seer" the `seerAnswer` ones).
    public init(transcript: Transcript, role: DialogueEvent.Role) {
        let kind: DialogueEvent.Kind = role == .seer ? .seerAnswer : .reasonerTurn
        replies = transcript.events.filter { $0.kind == kind }
        let recorded = transcript.header.model(role: role.rawValue)
        descriptor = ModelDescriptor(
            provider: "recorded", model: recorded?.model ?? role.rawValue, baseURL: recorded?.baseURL)
    }

    /// How many recorded replies have been served.
    public var servedCount: Int { served.withLock { $0 } }

    /// How many recorded replies there are.
    public var recordedCount: Int { replies.count }

    public func chat(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let index = served.withLock { count in
            defer { count += 1 }
            return count
        }
        let role = descriptor.model
        return AsyncThrowingStream { continuation in
            guard index < replies.count else {
                continuation.finish(throwing: RecordedBackendExhausted(model: role, recorded: replies.count))
                return
            }
            let reply = replies[index]
            continuation.yield(.delta(ChatDelta(content: reply.content, reasoning: reply.reasoning ?? "")))
            continuation.yield(.completed(ChatCompletion(
                content: reply.content, reasoning: reply.reasoning ?? "", rawContent: reply.rawReply ?? reply.content,
                finishReason: "stop", usage: reply.usage, timeToFirstDelta: reply.timeToFirstDeltaSeconds,
                totalSeconds: reply.latencySeconds ?? 0, attempts: 1)))
            continuation.finish()
        }
    }
}

/// The re-run asked a recorded backend for more replies than the transcript holds.
public struct RecordedBackendExhausted: UserFacingError, Equatable {
    public let model: String
    public let recorded: Int

    public var message: String {
        "the referee asked \(model) for reply \(recorded + 1), but the transcript records only \(recorded)"
    }

    public var exitStatus: ExitStatus { .noDecision }
}

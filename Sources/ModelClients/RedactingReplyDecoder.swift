import BlindsightCore
import Foundation

/// Wraps a reply decoder so that no secret reaches anyone through a reply: a server echoing the API
/// key inside the text, the reasoning or an error event. Text and reasoning are redacted as they
/// stream (a key split across two events is still caught, see ``SecretStream``); what is held back
/// is released before the reply's end, an error, or a switch between text and reasoning.
struct RedactingReplyDecoder<Inner: ChatReplyDecoder>: ChatReplyDecoder {
    private var inner: Inner
    private let secrets: Secrets
    private var content: SecretStream
    private var reasoning: SecretStream

    init(_ inner: Inner, secrets: Secrets) {
        self.inner = inner
        self.secrets = secrets
        content = SecretStream(secrets)
        reasoning = SecretStream(secrets)
    }

    /// The inner decoder's count of real events (what the idle watch treats as progress).
    var eventCount: Int { inner.eventCount }

    mutating func feed(_ chunk: Data) -> [WireEvent] { redact(inner.feed(chunk)) }

    mutating func finish() -> [WireEvent] { redact(inner.finish()) + heldBack(reasoning: true, content: true) }

    private mutating func redact(_ events: [WireEvent]) -> [WireEvent] {
        guard !secrets.isEmpty else { return events }
        var result: [WireEvent] = []
        for event in events {
            switch event {
            case .content(let text):
                result += heldBack(reasoning: true, content: false) + [.content(content.feed(text))]
            case .reasoning(let text):
                result += heldBack(reasoning: false, content: true) + [.reasoning(reasoning.feed(text))]
            case .error, .unreadable, .end, .finishReason:
                result += heldBack(reasoning: true, content: true) + [event.redacted(secrets)]
            case .usage:
                result.append(event)
            }
        }
        return result.filter { !$0.isEmptyText }
    }

    /// The text held back so far in the chosen channels, as events.
    private mutating func heldBack(reasoning flushReasoning: Bool, content flushContent: Bool) -> [WireEvent] {
        let events: [WireEvent] = [
            flushReasoning ? .reasoning(reasoning.flush()) : nil, flushContent ? .content(content.flush()) : nil,
        ].compactMap { $0 }
        return events.filter { !$0.isEmptyText }
    }
}

extension WireEvent {
    /// A text or reasoning event without text (nothing to pass on).
    fileprivate var isEmptyText: Bool { self == .content("") || self == .reasoning("") }

    /// The event with the secrets removed from its message (errors and unreadable text).
    fileprivate func redacted(_ secrets: Secrets) -> WireEvent {
        switch self {
        case .error(let text): .error(secrets.redact(text))
        case .unreadable(let text): .unreadable(secrets.redact(text))
        default: self
        }
    }
}

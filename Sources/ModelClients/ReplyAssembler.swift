/// Builds a reply from wire events: streams deltas with reasoning split from content, and makes
/// the final ``ChatCompletion``.
struct ReplyAssembler: Sendable {
    private let startsInReasoning: Bool
    private let started: ContinuousClock.Instant
    private var splitter: ReasoningSplitter?
    private(set) var rawContent = ""
    private var fieldReasoning = ""
    private(set) var usage: TokenUsage?
    private(set) var finishReason: String?
    private(set) var ended = false
    private var firstDelta: ContinuousClock.Instant?

    init(startsInReasoning: Bool, started: ContinuousClock.Instant) {
        self.startsInReasoning = startsInReasoning
        self.started = started
    }

    /// How much text has arrived, for messages.
    var receivedCharacters: Int { rawContent.count + fieldReasoning.count }

    /// Applies a content, reasoning, usage, finish or end event; returns the delta to show, if any.
    mutating func apply(_ event: WireEvent) -> ChatDelta? {
        switch event {
        case .content(let text):
            rawContent += text
            if splitter == nil {
                // A server that reports reasoning in its own field has already removed it from content.
                splitter = ReasoningSplitter(startsInReasoning: startsInReasoning && fieldReasoning.isEmpty)
            }
            return shown(splitter?.feed(text))
        case .reasoning(let text):
            fieldReasoning += text
            return shown(ChatDelta(reasoning: text))
        case .usage(let value): usage = value
        case .finishReason(let value): finishReason = value
        case .end:
            ended = true
            return shown(splitter?.finish())
        case .error, .unreadable: break
        }
        return nil
    }

    private mutating func shown(_ delta: ChatDelta?) -> ChatDelta? {
        guard let delta, !delta.content.isEmpty || !delta.reasoning.isEmpty else { return nil }
        if firstDelta == nil { firstDelta = .now }
        return delta
    }

    /// The finished reply.
    func completion(attempts: Int) -> ChatCompletion {
        let split = ReasoningSplitter.split(rawContent)
        let reasoning = [fieldReasoning, split.reasoning].filter { !$0.isEmpty }.joined(separator: "\n")
        return ChatCompletion(
            content: split.content, reasoning: reasoning, rawContent: rawContent, finishReason: finishReason,
            usage: usage, timeToFirstDelta: firstDelta.map { seconds($0 - started) },
            totalSeconds: seconds(.now - started), attempts: attempts)
    }

    private func seconds(_ duration: Duration) -> Double {
        duration / .seconds(1)
    }
}

import Dialogue

/// One event line of a transcript: a ``DialogueEvent`` with all its fields, plus `"type": "event"`.
///
/// The line keeps the engine's `sequence` numbers. Streaming deltas (`streamDelta` events) are not
/// written: each model's whole reply (answer, reasoning, the raw text as the server sent it, usage,
/// latency) is in its `reasonerTurn` or `seerAnswer` event, so one line per token would only make
/// transcripts large. Their sequence numbers are therefore skipped in the file.
struct EventLine: Codable {
    var event: DialogueEvent

    private enum CodingKeys: String, CodingKey { case type }

    init(_ event: DialogueEvent) { self.event = event }

    init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .type)
        guard type == "event" else {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.type], debugDescription: "not an event line"))
        }
        event = try DialogueEvent(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try event.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("event", forKey: .type)
    }
}

extension DialogueEvent.Kind {
    /// Whether the transcript writer stores events of this kind (everything but stream deltas).
    public var isRecordedInTranscripts: Bool { self != .streamDelta }

    /// Whether the writer fsyncs after events of this kind.
    var isMilestone: Bool {
        [.decision, .fallback, .outputWritten, .error, .interrupted, .stopped].contains(self)
    }
}

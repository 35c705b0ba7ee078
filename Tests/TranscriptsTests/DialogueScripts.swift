import Dialogue
import Foundation
import TestSupport
@testable import Transcripts

/// Real dialogues for the re-run, fork and resume tests: the current engine and referee, with the
/// models' replies served from a script by ``RecordedBackend`` (no network, no timing).
enum DialogueScripts {
    static var promptsFolder: String { TestData.packageRoot.appendingPathComponent("prompts/default").path }

    /// A reasoner reply (with reasoning, as QwQ sends it) and a seer answer.
    static func reasonerReply(_ json: String) -> DialogueEvent {
        DialogueEvent(kind: .reasonerTurn, round: 1, role: .reasoner, content: json, reasoning: "Thinking about the table.",
                      rawReply: "Thinking about the table.</think>\n" + json)
    }

    static func seerReply(_ text: String) -> DialogueEvent {
        DialogueEvent(kind: .seerAnswer, round: 1, role: .seer, content: text)
    }

    /// One question, then a decision for segment 2 (the dog).
    static let askThenDecide = [
        reasonerReply(#"{"action":"ask","question":"Which segment is the animal?"}"#),
        seerReply("Segment 2 is a dog standing on grass."),
        reasonerReply(#"{"action":"decide","foreground":[2],"reason":"the dog"}"#),
    ]

    /// A transcript holding only `replies`: what a ``RecordedBackend`` serves.
    static func script(_ replies: [DialogueEvent]) -> Transcript {
        Transcript(path: "script", header: TranscriptFixtures.header(), events: replies)
    }

    /// Runs the engine over `replies` and writes a transcript at `path`; returns the engine's result.
    @discardableResult
    static func record(
        _ replies: [DialogueEvent], to path: String, header: TranscriptHeader = TranscriptFixtures.header(),
        resumingFrom kept: [DialogueEvent] = []
    ) async throws -> DialogueEngine.Result {
        let writer = try TranscriptWriter(creating: path, header: header, redactor: SecretRedactor(knownSecrets: []))
        for event in kept { try writer.append(event) }
        let script = script(replies)
        let engine = DialogueEngine(
            reasoner: RecordedBackend(transcript: script, role: .reasoner),
            seer: RecordedBackend(transcript: script, role: .seer), seerImages: [], observers: [writer])
        let referee = Referee(
            task: header.task, rules: header.refereeRules, prompts: try PromptTemplates(directory: promptsFolder))
        defer { writer.close() }
        return try await engine.run(referee, resumingFrom: kept)
    }
}
